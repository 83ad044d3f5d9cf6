#include "tests/testing/fund_harness.h"

#include <gtest/gtest.h>

#include "ledger/fund/digest.h"
#include "ledger/fund/validation.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/note.h"

namespace uuro::testing {
namespace {

std::unique_ptr<LogStore> MakeStore(const TempDir& dir) {
  auto store = CreateRocksLogStore(dir.Sub("ledger"));
  if (!store.ok()) std::abort();
  return std::move(*store);
}

}  // namespace

FundHarness::FundHarness(FundOptions options)
    : store_(MakeStore(dir_)),
      state_(*store_),
      log_key_(SecretKey::Generate()),
      steward_(SecretKey::Generate()),
      council_(SecretKey::Generate()),
      council2_(SecretKey::Generate()),
      council3_(SecretKey::Generate()) {
  v1::TxBody body;
  v1::Genesis* genesis = body.mutable_genesis();
  genesis->set_origin(kOrigin);
  genesis->set_fund_name("Test fund");
  genesis->set_currency_name("Uuro");
  genesis->add_steward_keys(PublicKeyBytes(steward_.public_key()));
  genesis->add_council_keys(PublicKeyBytes(council_.public_key()));
  genesis->add_council_keys(PublicKeyBytes(council2_.public_key()));
  if (options.council_keys >= 3) {
    genesis->add_council_keys(PublicKeyBytes(council3_.public_key()));
  }
  genesis->set_format_version(fund::kFormatVersion);
  genesis->set_council_quorum(options.council_quorum);
  genesis->set_min_district_size(options.min_district_size);
  for (const char* district : kHarnessDistricts)
    genesis->add_districts(district);
  genesis->set_log_verifier_key(
      FormatVerifierKey(*MakeVerifier(kOrigin, log_key_.public_key())));
  uint64_t saved = now_ms;
  now_ms = kStartMs;
  auto result = Submit(log_key_, body);
  now_ms = saved;
  if (!result.ok()) {
    ADD_FAILURE() << "genesis refused: " << result.status();
  }
}

Bytes FundHarness::Sign(const SecretKey& signer, v1::TxBody body,
                        uint64_t nonce) {
  if (body.origin().empty()) body.set_origin(kOrigin);
  body.set_nonce(nonce == kAutoNonce ? next_nonce_[signer.public_key()]
                                     : nonce);
  if (body.expires_at_ms() == 0) body.set_expires_at_ms(now_ms + 3'600'000);
  return fund::SignEnvelope(signer, body);
}

absl::StatusOr<fund::ApplyResult> FundHarness::SubmitEnvelope(
    const Bytes& envelope) {
  auto tx = fund::DecodeEnvelope(envelope);
  if (!tx.ok()) return tx.status();
  fund::BatchApplier applier(state_, store_->size());
  auto result = applier.Apply(*tx, now_ms);
  if (!result.ok()) return result.status();
  absl::Status committed = store_->Append(applier.TakeBatch(), nullptr);
  if (!committed.ok()) return committed;
  if (!result->duplicate) next_nonce_[tx->signer] = tx->body.nonce() + 1;
  return result;
}

absl::StatusOr<fund::ApplyResult> FundHarness::Submit(const SecretKey& signer,
                                                      v1::TxBody body) {
  return SubmitEnvelope(Sign(signer, std::move(body)));
}

SecretKey FundHarness::EnrollNew(const std::string& district) {
  SecretKey key = SecretKey::Generate();
  auto result = Submit(steward_, Enroll(key.public_key(), district));
  EXPECT_TRUE(result.ok()) << result.status();
  return key;
}

uint64_t FundHarness::OpenRound(uint64_t allowance, uint32_t max_share_percent,
                                uint64_t trust_threshold,
                                uint64_t duration_ms) {
  v1::TxBody body;
  v1::OpenRound* open = body.mutable_open_round();
  open->set_allowance(allowance);
  open->set_credit_value_cents(100);
  open->set_opens_at_ms(now_ms);
  open->set_closes_at_ms(now_ms + duration_ms);
  open->set_max_share_percent(max_share_percent);
  open->set_trust_threshold(trust_threshold);
  auto result = Submit(steward_, body);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? result->index : 0;
}

uint64_t FundHarness::Propose(const SecretKey& owner,
                              const std::string& district) {
  v1::TxBody body;
  v1::ProposeInitiative* p = body.mutable_propose_initiative();
  p->set_title("Community tool library");
  p->set_summary("Lend tools instead of buying them.");
  p->set_district(district);
  p->set_amount_asked(500);
  p->add_links("https://example.org/tools");
  auto result = Submit(owner, body);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? result->index : 0;
}

v1::TxBody FundHarness::Enroll(const PublicKey& key,
                               const std::string& district) {
  v1::TxBody body;
  body.mutable_enroll_resident()->set_key(PublicKeyBytes(key));
  body.mutable_enroll_resident()->set_district(district);
  return body;
}

v1::TxBody FundHarness::Award(uint64_t round, uint64_t initiative,
                              uint64_t amount) {
  v1::TxBody body;
  body.mutable_award()->set_round_id(round);
  body.mutable_award()->set_initiative_id(initiative);
  body.mutable_award()->set_amount(amount);
  return body;
}

v1::TxBody FundHarness::Withdraw(uint64_t round, uint64_t initiative,
                                 uint64_t amount) {
  v1::TxBody body;
  body.mutable_withdraw_award()->set_round_id(round);
  body.mutable_withdraw_award()->set_initiative_id(initiative);
  body.mutable_withdraw_award()->set_amount(amount);
  return body;
}

v1::TxBody FundHarness::CloseRound(uint64_t round) {
  v1::TxBody body;
  body.mutable_close_round()->set_round_id(round);
  return body;
}

v1::TxBody FundHarness::RequestRedemption(uint64_t initiative,
                                          uint64_t amount) {
  v1::TxBody body;
  body.mutable_request_redemption()->set_initiative_id(initiative);
  body.mutable_request_redemption()->set_amount(amount);
  body.mutable_request_redemption()->set_purpose("Buy shelves");
  return body;
}

Hash FundHarness::Digest() {
  auto digest = fund::StateDigest(*store_);
  EXPECT_TRUE(digest.ok()) << digest.status();
  return digest.ok() ? *digest : Hash{};
}

uint64_t Must(FundHarness& h, const SecretKey& signer, v1::TxBody body) {
  auto result = h.Submit(signer, body);
  EXPECT_TRUE(result.ok()) << result.status() << " for "
                           << body.ShortDebugString();
  return result.ok() ? result->index : 0;
}

void ExpectRefused(FundHarness& h, const SecretKey& signer, v1::TxBody body,
                   absl::StatusCode code) {
  Hash before = h.Digest();
  absl::Status status = h.Submit(signer, body).status();
  EXPECT_EQ(status.code(), code)
      << status << " for " << body.ShortDebugString();
  EXPECT_EQ(h.Digest(), before) << body.ShortDebugString();
}

uint64_t ClosedRoundWithAward(FundHarness& h, const SecretKey& awarder,
                              uint64_t initiative, uint64_t amount,
                              uint64_t cents, uint64_t threshold) {
  v1::TxBody body;
  v1::OpenRound* open = body.mutable_open_round();
  open->set_allowance(1000);
  open->set_credit_value_cents(cents);
  open->set_opens_at_ms(h.now_ms);
  open->set_closes_at_ms(h.now_ms + 1000);
  open->set_max_share_percent(100);
  open->set_trust_threshold(threshold);
  uint64_t round = Must(h, h.steward(), body);
  Must(h, awarder, FundHarness::Award(round, initiative, amount));
  h.now_ms += 1000;
  Must(h, h.steward(), FundHarness::CloseRound(round));
  return round;
}

}  // namespace uuro::testing
