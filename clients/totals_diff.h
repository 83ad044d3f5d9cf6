// Naming the first field in which two messages of one type differ, in words
// a council member can act on ("awarded is 300 on the server, 290 replayed").
#ifndef CLIENTS_TOTALS_DIFF_H_
#define CLIENTS_TOTALS_DIFF_H_

#include <optional>
#include <set>
#include <string>

#include "google/protobuf/message.h"

namespace uuro::client {

// The first difference between `server` and `replayed` (same type), walking
// fields in declaration order, or nullopt if they are equal. Top-level
// fields named in `ignore` are skipped. Elements of repeated messages are
// labelled by their first field (a district's name, an initiative's id):
// "districts[harbour].totals.awarded is 3 on the server, 2 replayed".
std::optional<std::string> FirstDifference(
    const google::protobuf::Message& server,
    const google::protobuf::Message& replayed,
    const std::set<std::string>& ignore = {});

}  // namespace uuro::client

#endif  // CLIENTS_TOTALS_DIFF_H_
