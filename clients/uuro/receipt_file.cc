#include "clients/uuro/receipt_file.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {

nlohmann::json ReceiptToJson(const v1::Receipt& receipt) {
  nlohmann::json proof = nlohmann::json::array();
  for (const std::string& h : receipt.inclusion_proof()) {
    proof.push_back(ToHex(AsBytes(h)));
  }
  return {{"index", receipt.index()},
          {"leaf_hash", ToHex(AsBytes(receipt.leaf_hash()))},
          {"entry", Base64Encode(AsBytes(receipt.entry()))},
          {"checkpoint", receipt.checkpoint()},
          {"inclusion_proof", proof},
          {"duplicate", receipt.duplicate()}};
}

absl::StatusOr<v1::Receipt> ReceiptFromJson(const nlohmann::json& json) {
  try {
    v1::Receipt receipt;
    receipt.set_index(json.at("index").get<uint64_t>());
    UURO_ASSIGN_OR_RETURN(Bytes leaf,
                          FromHex(json.at("leaf_hash").get<std::string>()));
    receipt.set_leaf_hash(std::string(AsString(leaf)));
    UURO_ASSIGN_OR_RETURN(Bytes entry,
                          Base64Decode(json.at("entry").get<std::string>()));
    receipt.set_entry(std::string(AsString(entry)));
    receipt.set_checkpoint(json.at("checkpoint").get<std::string>());
    for (const auto& h : json.at("inclusion_proof")) {
      UURO_ASSIGN_OR_RETURN(Bytes hash, FromHex(h.get<std::string>()));
      receipt.add_inclusion_proof(std::string(AsString(hash)));
    }
    receipt.set_duplicate(json.value("duplicate", false));
    return receipt;
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a receipt: ", e.what()));
  }
}

absl::StatusOr<std::string> SaveReceipt(const std::string& dir,
                                        const v1::Receipt& receipt) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = absl::StrCat(dir, "/", receipt.index(), ".json");
  std::ofstream out(path);
  out << ReceiptToJson(receipt).dump(2) << "\n";
  out.close();
  if (!out)
    return absl::PermissionDeniedError(absl::StrCat("cannot write ", path));
  return path;
}

absl::StatusOr<v1::Receipt> LoadReceipt(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  nlohmann::json json =
      nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not JSON"));
  }
  return ReceiptFromJson(json);
}

}  // namespace uuro::cli
