// One line about a log entry, for history and progress output.
#ifndef CLIENTS_UURO_DESCRIBE_H_
#define CLIENTS_UURO_DESCRIBE_H_

#include <string>

#include "uuro/v1/transaction.pb.h"

namespace uuro::cli {

// "award 25 to initiative 17 in round 12", or why the entry is unreadable.
std::string DescribeEntry(const std::string& entry_bytes);
// The payload's name as in the proto, e.g. "award".
std::string PayloadName(const v1::TxBody& body);

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_DESCRIBE_H_
