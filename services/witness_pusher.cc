#include "services/witness_pusher.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "absl/strings/str_cat.h"
#include "ledger/fund/queries.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/wall_clock.h"
#include "ledger/tlog/witness_protocol.h"

namespace uuro::server {

using Clock = std::chrono::steady_clock;

struct WitnessPusher::Peer {
  std::string url;
  std::string path;  // The add-checkpoint path on the witness.
  std::unique_ptr<httplib::Client> http;
  uint64_t size = 0;  // What the witness last cosigned, as far as we know.
  // A failing witness is retried after a growing pause, so a dead one costs
  // nothing and its log lines do not repeat.
  bool failing = false;
  Clock::time_point next_try{};
  std::chrono::milliseconds backoff{0};
};

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{30000};

std::string LineOf(const NoteSignature& sig) {
  return absl::StrCat("\xE2\x80\x94 ", sig.name, " ", sig.base64, "\n");
}

}  // namespace

absl::StatusOr<std::vector<PublicKey>> CouncilKeys(const LedgerNode& node) {
  absl::StatusOr<v1::FundRecord> fund = fund::ReadFund(node.state());
  if (!fund.ok()) return fund.status();
  std::vector<PublicKey> keys;
  for (const std::string& k : fund->council_keys()) {
    if (k.size() != kPublicKeySize) continue;
    PublicKey key;
    std::copy(k.begin(), k.end(), key.begin());
    keys.push_back(key);
  }
  return keys;
}

absl::StatusOr<std::unique_ptr<WitnessPusher>> WitnessPusher::Start(
    LedgerNode& node, const std::vector<std::string>& urls,
    std::vector<PublicKey> council, Options options) {
  if (council.empty()) {
    return absl::FailedPreconditionError(
        "--witness needs council keys, and this ledger's genesis names none "
        "(uurod init --council-key)");
  }
  std::vector<std::unique_ptr<Peer>> peers;
  for (const std::string& url : urls) {
    size_t scheme = url.find("://");
    std::string_view s = url;
    if (!(s.starts_with("http://") || s.starts_with("https://"))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "witness URL \"", url, "\" must start with http:// or https://"));
    }
    size_t slash = url.find('/', scheme + 3);
    auto peer = std::make_unique<Peer>();
    peer->url = url;
    std::string prefix = slash == std::string::npos ? "" : url.substr(slash);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    peer->path = prefix + "/add-checkpoint";
    peer->http = std::make_unique<httplib::Client>(url.substr(0, slash));
    if (!peer->http->is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("witness URL \"", url, "\" cannot be used"));
    }
    auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(options.timeout);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
        options.timeout - seconds);
    peer->http->set_connection_timeout(seconds.count(), micros.count());
    peer->http->set_read_timeout(seconds.count(), micros.count());
    peer->http->set_write_timeout(seconds.count(), micros.count());
    peer->http->set_keep_alive(true);
    peer->http->set_tcp_nodelay(true);
    peers.push_back(std::move(peer));
  }
  return std::unique_ptr<WitnessPusher>(
      new WitnessPusher(node, std::move(peers), std::move(council), options));
}

WitnessPusher::WitnessPusher(LedgerNode& node,
                             std::vector<std::unique_ptr<Peer>> peers,
                             std::vector<PublicKey> council, Options options)
    : node_(node),
      peers_(std::move(peers)),
      council_(std::move(council)),
      options_(options) {
  thread_ = std::thread([this] { Run(); });
}

WitnessPusher::~WitnessPusher() { Stop(); }

void WitnessPusher::Notify() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void WitnessPusher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void WitnessPusher::Run() {
  uint64_t pushed_size = 0;
  bool pushed_any = false;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      // Also wakes every second: a failing witness may be due a retry.
      mu_.AwaitWithTimeout(
          absl::Condition(
              +[](WitnessPusher* p) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return p->wake_ || p->stopping_;
              },
              this),
          absl::Seconds(1));
      if (stopping_) return;
      wake_ = false;
    }
    auto cp = node_.checkpoint();
    auto cosigned = node_.cosigned_checkpoint();
    bool behind = cosigned == nullptr || cosigned->size < cp->size;
    if (pushed_any && cp->size == pushed_size && !behind) continue;
    Clock::time_point started = Clock::now();
    Round(*cp);
    pushed_any = true;
    pushed_size = cp->size;
    std::this_thread::sleep_until(started + options_.min_interval);
    // Whatever was committed meanwhile gets the next round.
    Notify();
  }
}

void WitnessPusher::Round(const SignedCheckpoint& cp) {
  Clock::time_point now = Clock::now();
  // Cosignatures already held for this very checkpoint are kept.
  auto held = node_.cosigned_checkpoint();
  const bool held_is_cp =
      held != nullptr && held->size == cp.size && held->root == cp.root;
  std::vector<std::future<std::string>> answers;
  for (auto& peer : peers_) {
    if (peer->size == cp.size && held_is_cp) continue;  // Already cosigned.
    if (now < peer->next_try) continue;
    answers.push_back(std::async(
        std::launch::async, [this, &peer, &cp] { return Push(*peer, cp); }));
  }
  if (answers.empty()) return;
  std::string lines;
  for (auto& answer : answers) lines += answer.get();
  if (lines.empty()) return;
  absl::StatusOr<std::string> note =
      AddSignatureLines(held_is_cp ? held->note : cp.note, lines);
  if (!note.ok()) return;
  node_.set_cosigned_checkpoint(std::make_shared<SignedCheckpoint>(
      SignedCheckpoint{*note, cp.size, cp.root}));
}

std::string WitnessPusher::Failed(Peer& peer, const SignedCheckpoint& cp,
                                  const std::string& why, bool loud) {
  if (loud) {
    spdlog::error("event=witness_refused witness={} size={} reason=\"{}\"",
                  peer.url, cp.size, why);
  } else if (!peer.failing) {
    spdlog::warn("event=witness_unavailable witness={} reason=\"{}\"", peer.url,
                 why);
  }
  peer.failing = true;
  peer.backoff =
      std::min(kMaxBackoff, std::max(kFirstBackoff, peer.backoff * 2));
  peer.next_try = Clock::now() + peer.backoff;
  return std::string();
}

absl::StatusOr<std::string> WitnessPusher::CouncilLines(
    const SignedCheckpoint& cp, const std::string& answer) const {
  absl::StatusOr<std::string> candidate = AddSignatureLines(cp.note, answer);
  absl::StatusOr<Note> opened = candidate.ok()
                                    ? OpenNote(*candidate, {node_.verifier()})
                                    : absl::StatusOr<Note>(candidate.status());
  if (!opened.ok()) {
    return absl::InvalidArgumentError("the answer is not signature lines");
  }
  std::vector<Cosignature> valid =
      VerifyCosignatures(opened->text, opened->unverified, council_,
                         CosignatureClock{WallClockMs() / 1000});
  if (valid.empty()) {
    return absl::InvalidArgumentError(
        "no cosignature by a council key in the answer");
  }
  std::string lines;
  for (const Cosignature& c : valid) lines += LineOf(c.line);
  return lines;
}

std::string WitnessPusher::Push(Peer& peer, const SignedCheckpoint& cp) {
  auto fail = [&](const std::string& why, bool loud) {
    return Failed(peer, cp, why, loud);
  };
  // Two tries: the first may only teach us the size the witness holds.
  for (int attempt = 0; attempt < 2; ++attempt) {
    AddCheckpointRequest request;
    request.old_size = peer.size;
    request.note = cp.note;
    if (peer.size > cp.size) {
      return fail(absl::StrCat("the witness has cosigned ", peer.size,
                               " entries, more than this log holds"),
                  true);
    }
    if (peer.size != 0 && peer.size < cp.size) {
      absl::StatusOr<std::vector<Hash>> proof =
          ConsistencyProof(node_.store(), peer.size, cp.size);
      if (!proof.ok()) return fail(std::string(proof.status().message()), true);
      request.proof = *std::move(proof);
    }
    httplib::Result res = peer.http->Post(
        peer.path, FormatAddCheckpoint(request), "text/plain; charset=utf-8");
    if (!res) return fail(httplib::to_string(res.error()), false);
    if (res->status == 409) {
      absl::StatusOr<uint64_t> size = ParseTlogSize(res->body);
      if (!size.ok()) return fail("409 without a size", true);
      if (*size == peer.size) {
        return fail(absl::StrCat("the witness holds another checkpoint of "
                                 "size ",
                                 *size, ": a fork"),
                    true);
      }
      peer.size = *size;
      continue;
    }
    if (res->status != 200) {
      return fail(absl::StrCat("HTTP ", res->status, ": ", res->body),
                  res->status != 503 && res->status != 502);
    }
    absl::StatusOr<std::string> lines = CouncilLines(cp, res->body);
    if (!lines.ok()) return fail(std::string(lines.status().message()), true);
    peer.size = cp.size;
    if (peer.failing) {
      spdlog::info("event=witness_available witness={}", peer.url);
    }
    peer.failing = false;
    peer.backoff = std::chrono::milliseconds(0);
    return *std::move(lines);
  }
  return fail("the witness's size kept changing", false);
}

}  // namespace uuro::server
