#include "ledger/fund/canonical.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace uuro::fund {
namespace {

std::string Deterministic(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
  }
  return out;
}

}  // namespace

std::string CanonicalBytes(const google::protobuf::Message& message) {
  std::unique_ptr<google::protobuf::Message> copy(message.New());
  copy->CopyFrom(message);
  copy->DiscardUnknownFields();
  copy->ByteSizeLong();  // Caches the sizes SerializeWithCachedSizes needs.
  return Deterministic(*copy);
}

absl::Status CheckCanonical(const google::protobuf::Message& parsed,
                            std::string_view bytes, std::string_view what) {
  const std::string canonical = CanonicalBytes(parsed);
  if (canonical == bytes) return absl::OkStatus();
  parsed.ByteSizeLong();
  if (Deterministic(parsed).size() != canonical.size()) {
    // Only unknown fields, wherever they were, add bytes when kept.
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(what),
        " has a field this ledger does not know; only fields of the "
        "uuro.v1 schema may be signed and logged"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(what),
      " is not canonically encoded (fields in field-number order, "
      "each at most once, none set to its default, minimal lengths); "
      "sign exactly the bytes the uuro.v1 schema serializes"));
}

}  // namespace uuro::fund
