#include "services/ledger_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/status_macros.h"
#include "services/grpc_status.h"
#include "services/limits.h"
#include "services/record_pages.h"

namespace uuro::server {
namespace {

namespace keys = fund::keys;

absl::StatusOr<PublicKey> KeyField(const std::string& bytes) {
  if (bytes.size() != kPublicKeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key must be ", kPublicKeySize, " bytes, not ", bytes.size()));
  }
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

template <typename Record>
bool Decode(ByteView value, Record& record) {
  return record.ParseFromArray(value.data(), static_cast<int>(value.size()));
}

absl::Status TooManyClaims() {
  return absl::ResourceExhaustedError(
      "too many failed invite claims from this address; check the code on "
      "the letter and try again in a few minutes");
}

}  // namespace

grpc::ServerUnaryReactor* LedgerService::Submit(
    grpc::CallbackServerContext* context, const v1::SubmitRequest* request,
    v1::Receipt* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::string client;
  if (!AdmitClaim(*context, request->envelope(), client)) {
    reactor->Finish(ToGrpcStatus(TooManyClaims()));
    return reactor;
  }
  // The request, the response and the reactor live until Finish.
  writer_.SubmitAsync(AsBytes(request->envelope()),
                      [this, reactor, response, client = std::move(client)](
                          absl::StatusOr<v1::Receipt> receipt) {
                        if (!client.empty() && receipt.ok())
                          claims_.Refund(client);
                        if (!receipt.ok()) {
                          reactor->Finish(ToGrpcStatus(receipt.status()));
                          return;
                        }
                        *response = std::move(*receipt);
                        reactor->Finish(grpc::Status::OK);
                      });
  return reactor;
}

grpc::Status LedgerService::SubmitBatch(grpc::ServerContext* context,
                                        const v1::SubmitBatchRequest* request,
                                        v1::SubmitBatchResponse* response) {
  if (static_cast<size_t>(request->envelopes_size()) > kMaxBatchEnvelopes) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("at most ", kMaxBatchEnvelopes, " envelopes per batch")));
  }
  // Claims beyond the caller's limit are answered here and never submitted.
  std::vector<absl::StatusOr<v1::Receipt>> results;
  std::vector<std::string> clients;
  std::vector<ByteView> envelopes;
  std::vector<size_t> submitted;
  for (const std::string& e : request->envelopes()) {
    std::string client;
    if (AdmitClaim(*context, e, client)) {
      submitted.push_back(results.size());
      envelopes.push_back(AsBytes(e));
      results.emplace_back(absl::UnknownError("not submitted"));
    } else {
      results.emplace_back(TooManyClaims());
    }
    clients.push_back(std::move(client));
  }
  auto receipts = writer_.SubmitMany(envelopes);
  for (size_t i = 0; i < receipts.size(); ++i) {
    size_t at = submitted[i];
    if (!clients[at].empty() && receipts[i].ok()) claims_.Refund(clients[at]);
    results[at] = std::move(receipts[i]);
  }
  for (auto& receipt : results) {
    v1::SubmitResult* result = response->add_results();
    if (receipt.ok()) {
      *result->mutable_receipt() = std::move(*receipt);
    } else {
      result->set_code(static_cast<int>(receipt.status().code()));
      result->set_message(std::string(receipt.status().message()));
    }
  }
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetFund(grpc::ServerContext*,
                                    const v1::GetFundRequest*,
                                    v1::FundRecord* response) {
  auto fund = fund::ReadFund(node_.state());
  if (!fund.ok()) return ToGrpcStatus(fund.status());
  *response = std::move(*fund);
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetResident(grpc::ServerContext*,
                                        const v1::GetResidentRequest* request,
                                        v1::ResidentView* response) {
  auto status = [&]() -> absl::Status {
    UURO_ASSIGN_OR_RETURN(PublicKey key, KeyField(request->key()));
    v1::KeyRecord key_record;
    UURO_ASSIGN_OR_RETURN(
        bool known,
        fund::ReadRecord(node_.state(), keys::Key(key), key_record));
    if (!known) {
      return absl::NotFoundError(
          absl::StrCat("no resident has key ", FormatPublicKey(key)));
    }
    UURO_ASSIGN_OR_RETURN(v1::ResidentRecord resident,
                          fund::ReadResidentByKey(node_.state(), key));
    response->set_key_revoked(key_record.revoked());
    UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, fund::ReadFund(node_.state()));
    if (fund.open_round() != 0 && !resident.revoked() &&
        !key_record.revoked()) {
      UURO_ASSIGN_OR_RETURN(v1::RoundRecord round,
                            fund::ReadRound(node_.state(), fund.open_round()));
      UURO_ASSIGN_OR_RETURN(
          uint64_t spent,
          fund::ReadSpent(node_.state(), round.id(), resident.id()));
      response->set_round_id(round.id());
      response->set_allowance(round.rules().allowance());
      response->set_spent(spent);
      response->set_balance(round.rules().allowance() - spent);
      UURO_RETURN_IF_ERROR(node_.store().ScanState(
          keys::AwardPrefix(round.id(), resident.id()),
          [&](std::string_view k, ByteView value) {
            v1::AwardRecord award;
            if (Decode(value, award) && award.amount() > 0) {
              v1::AwardView* view = response->add_awards();
              view->set_initiative_id(keys::TrailingId(k));
              view->set_amount(award.amount());
            }
            return true;
          }));
    }
    *response->mutable_resident() = std::move(resident);
    return absl::OkStatus();
  }();
  return ToGrpcStatus(status);
}

grpc::Status LedgerService::GetInitiative(
    grpc::ServerContext*, const v1::GetInitiativeRequest* request,
    v1::InitiativeView* response) {
  auto initiative = fund::ReadInitiative(node_.state(), request->id());
  if (!initiative.ok()) return ToGrpcStatus(initiative.status());
  response->set_balance(fund::InitiativeBalance(*initiative));
  *response->mutable_initiative() = std::move(*initiative);
  return ToGrpcStatus(node_.store().ScanState(
      keys::ReportPrefix(request->id()), [&](std::string_view, ByteView value) {
        v1::ReportRecord report;
        if (Decode(value, report)) *response->add_reports() = std::move(report);
        return response->reports_size() < kMaxReportsShown;
      }));
}

grpc::Status LedgerService::ListInitiatives(
    grpc::ServerContext*, const v1::ListInitiativesRequest* request,
    v1::ListInitiativesResponse* response) {
  auto start = PageStart(request->page_token());
  if (!start.ok()) return ToGrpcStatus(start.status());
  if (!request->district().empty()) {
    // A typo must not read as a district where nothing happened.
    auto fund = fund::ReadFund(node_.state());
    if (!fund.ok()) return ToGrpcStatus(fund.status());
    absl::Status defined =
        fund::RequireDefinedDistrict(*fund, request->district());
    if (!defined.ok()) return ToGrpcStatus(defined);
  }
  const uint32_t page = PageSize(request->page_size());
  // With a round filter, walk the initiatives awarded in that round.
  const uint64_t round = request->round_id();
  const std::string prefix =
      round ? keys::InitiativeRoundPrefix(round) : keys::InitiativePrefix();
  const std::string from =
      round ? keys::InitiativeRound(round, *start) : keys::Initiative(*start);
  absl::Status failure = absl::OkStatus();
  uint64_t last = 0;
  bool more = false;
  absl::Status scan = node_.store().ScanState(
      prefix, from, [&](std::string_view key, ByteView value) {
        v1::InitiativeRecord initiative;
        if (round) {
          auto read =
              fund::ReadInitiative(node_.state(), keys::TrailingId(key));
          if (!read.ok()) {
            failure = read.status();
            return false;
          }
          initiative = std::move(*read);
        } else if (!Decode(value, initiative)) {
          failure = absl::DataLossError("an initiative record does not decode");
          return false;
        }
        if (!request->district().empty() &&
            initiative.proposal().district() != request->district()) {
          return true;
        }
        if (request->status() != v1::INITIATIVE_STATUS_UNSPECIFIED &&
            initiative.status() != request->status()) {
          return true;
        }
        if (static_cast<uint32_t>(response->initiatives_size()) == page) {
          more = true;
          return false;
        }
        last = initiative.id();
        *response->add_initiatives() = std::move(initiative);
        return true;
      });
  if (!scan.ok()) return ToGrpcStatus(scan);
  if (!failure.ok()) return ToGrpcStatus(failure);
  if (more) response->set_next_page_token(std::to_string(last + 1));
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetRound(grpc::ServerContext*,
                                     const v1::GetRoundRequest* request,
                                     v1::RoundRecord* response) {
  uint64_t id = request->id();
  if (id == 0) {
    auto fund = fund::ReadFund(node_.state());
    if (!fund.ok()) return ToGrpcStatus(fund.status());
    if (fund->last_round() == 0) {
      return ToGrpcStatus(absl::NotFoundError("no round has been opened yet"));
    }
    id = fund->last_round();
  }
  auto round = fund::ReadRound(node_.state(), id);
  if (!round.ok()) return ToGrpcStatus(round.status());
  *response = std::move(*round);
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetRedemption(
    grpc::ServerContext*, const v1::GetRedemptionRequest* request,
    v1::RedemptionRecord* response) {
  auto redemption = fund::ReadRedemption(node_.state(), request->id());
  if (!redemption.ok()) return ToGrpcStatus(redemption.status());
  *response = std::move(*redemption);
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetHistory(grpc::ServerContext*,
                                       const v1::GetHistoryRequest* request,
                                       v1::GetHistoryResponse* response) {
  auto key = KeyField(request->key());
  if (!key.ok()) return ToGrpcStatus(key.status());
  auto start = PageStart(request->page_token());
  if (!start.ok()) return ToGrpcStatus(start.status());
  const uint32_t page = PageSize(request->page_size());
  absl::Status failure = absl::OkStatus();
  bool more = false;
  uint64_t last = 0;
  absl::Status scan = node_.store().ScanState(
      keys::TxPrefix(*key), keys::Tx(*key, *start),
      [&](std::string_view k, ByteView value) {
        if (static_cast<uint32_t>(response->items_size()) == page) {
          more = true;
          return false;
        }
        v1::TxRecord tx;
        if (!Decode(value, tx)) {
          failure = absl::DataLossError("a transaction record does not decode");
          return false;
        }
        auto entry = node_.store().ReadEntry(tx.index());
        if (!entry.ok()) {
          failure = entry.status();
          return false;
        }
        v1::HistoryItem* item = response->add_items();
        last = keys::TrailingId(k);
        item->set_nonce(last);
        item->set_index(tx.index());
        item->set_entry(std::string(AsString(*entry)));
        return true;
      });
  if (!scan.ok()) return ToGrpcStatus(scan);
  if (!failure.ok()) return ToGrpcStatus(failure);
  if (more) response->set_next_page_token(std::to_string(last + 1));
  return grpc::Status::OK;
}

grpc::Status LedgerService::GetNextNonce(grpc::ServerContext*,
                                         const v1::GetNextNonceRequest* request,
                                         v1::GetNextNonceResponse* response) {
  auto key = KeyField(request->key());
  if (!key.ok()) return ToGrpcStatus(key.status());
  v1::SignerRecord signer;
  auto found = fund::ReadRecord(node_.state(), keys::Signer(*key), signer);
  if (!found.ok()) return ToGrpcStatus(found.status());
  response->set_next_nonce(signer.next_nonce());
  return grpc::Status::OK;
}

}  // namespace uuro::server
