#include "clients/totals_diff.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"

namespace uuro::client {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::TextFormat;

// A field's value as text; `index` is -1 for a singular field.
std::string ValueText(const Message& message, const FieldDescriptor* field,
                      int index) {
  std::string text;
  TextFormat::PrintFieldValueToString(message, field, index, &text);
  return text;
}

// What names an element of a repeated message: its first field's value.
std::string Label(const Message& element) {
  const auto* descriptor = element.GetDescriptor();
  if (descriptor->field_count() == 0) return "?";
  const FieldDescriptor* first = descriptor->field(0);
  if (first->is_repeated() ||
      first->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return "?";
  }
  if (first->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    return element.GetReflection()->GetString(element, first);
  }
  return ValueText(element, first, -1);
}

std::optional<std::string> Walk(const Message& server, const Message& ours,
                                const std::string& path,
                                const std::set<std::string>& ignore);

std::optional<std::string> CompareField(const Message& server,
                                        const Message& ours,
                                        const FieldDescriptor* field,
                                        const std::string& path) {
  const auto* sr = server.GetReflection();
  const auto* rr = ours.GetReflection();
  const std::string name = path + field->name();
  const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
  if (!field->is_repeated()) {
    if (is_message) {
      return Walk(sr->GetMessage(server, field), rr->GetMessage(ours, field),
                  name + ".", {});
    }
    std::string theirs = ValueText(server, field, -1);
    std::string mine = ValueText(ours, field, -1);
    if (theirs == mine) return std::nullopt;
    return absl::StrCat(name, " is ", theirs, " on the server, ", mine,
                        " replayed");
  }
  const int n_server = sr->FieldSize(server, field);
  const int n_ours = rr->FieldSize(ours, field);
  for (int i = 0; i < std::min(n_server, n_ours); ++i) {
    if (is_message) {
      const Message& mine = rr->GetRepeatedMessage(ours, field, i);
      auto diff = Walk(sr->GetRepeatedMessage(server, field, i), mine,
                       absl::StrCat(name, "[", Label(mine), "]."), {});
      if (diff) return diff;
      continue;
    }
    std::string theirs = ValueText(server, field, i);
    std::string mine = ValueText(ours, field, i);
    if (theirs != mine) {
      return absl::StrCat(name, "[", i, "] is ", theirs, " on the server, ",
                          mine, " replayed");
    }
  }
  if (n_server != n_ours) {
    return absl::StrCat(name, " has ", n_server, " lines on the server, ",
                        n_ours, " replayed");
  }
  return std::nullopt;
}

std::optional<std::string> Walk(const Message& server, const Message& ours,
                                const std::string& path,
                                const std::set<std::string>& ignore) {
  const auto* descriptor = ours.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (ignore.count(field->name()) > 0) continue;
    if (auto diff = CompareField(server, ours, field, path)) return diff;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FirstDifference(
    const Message& server, const Message& replayed,
    const std::set<std::string>& ignore) {
  if (server.GetDescriptor() != replayed.GetDescriptor()) {
    return absl::StrCat("the server sent a ", server.GetTypeName(), ", not a ",
                        replayed.GetTypeName());
  }
  return Walk(server, replayed, "", ignore);
}

}  // namespace uuro::client
