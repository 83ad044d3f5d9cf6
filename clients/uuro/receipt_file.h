// Receipts as JSON files that their owner keeps and anyone can check later.
#ifndef CLIENTS_UURO_RECEIPT_FILE_H_
#define CLIENTS_UURO_RECEIPT_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "uuro/v1/ledger.pb.h"

namespace uuro::cli {

// {"index", "leaf_hash" (hex), "entry" (base64), "checkpoint" (note text),
//  "inclusion_proof" ([hex]), "duplicate"}
nlohmann::json ReceiptToJson(const v1::Receipt& receipt);
absl::StatusOr<v1::Receipt> ReceiptFromJson(const nlohmann::json& json);

// Writes the receipt to `dir`/<index>.json and returns the path.
absl::StatusOr<std::string> SaveReceipt(const std::string& dir,
                                        const v1::Receipt& receipt);
absl::StatusOr<v1::Receipt> LoadReceipt(const std::string& path);

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_RECEIPT_FILE_H_
