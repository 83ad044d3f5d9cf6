#include "clients/uuro/context.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/read_text.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {
namespace {

namespace fs = std::filesystem;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

absl::StatusOr<NoteVerifier> ReadVerifierKeyFile(const std::string& path) {
  UURO_ASSIGN_OR_RETURN(std::string text, ReadText(path));
  absl::StatusOr<NoteVerifier> key = ParseVerifierKey(Trim(text));
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

client::LedgerClient& Context::Client() {
  if (!client_) {
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    if (tls || !tls_ca.empty()) {
      grpc::SslCredentialsOptions ssl;
      if (!tls_ca.empty()) ssl.pem_root_certs = ReadText(tls_ca).value_or("");
      credentials = grpc::SslCredentials(ssl);
    } else {
      credentials = grpc::InsecureChannelCredentials();
    }
    channel_ = grpc::CreateChannel(server, credentials);
    client_ = std::make_unique<client::LedgerClient>(channel_);
  }
  return *client_;
}

absl::StatusOr<SecretKey> Context::Key() {
  if (key_file.empty()) {
    return absl::InvalidArgumentError(
        "this command signs: give your key file with --key FILE or UURO_KEY "
        "(make one with: uuro key new --out FILE)");
  }
  return LoadSecretKey(key_file);
}

absl::StatusOr<std::string> Context::Origin() {
  if (!origin_) {
    UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, Client().Fund());
    origin_ = fund.origin();
    currency_ = fund.currency_name().empty() ? "Uuro" : fund.currency_name();
  }
  return *origin_;
}

absl::StatusOr<std::string> Context::LedgerStateDir() {
  UURO_ASSIGN_OR_RETURN(std::string origin, Origin());
  return LedgerStateDir(origin);
}

absl::StatusOr<std::string> Context::LedgerStateDir(const std::string& origin) {
  // One folder per ledger, named so that any origin is a safe file name.
  Hash id = Sha256(AsBytes(origin));
  std::string dir =
      absl::StrCat(state_dir, "/ledgers/", ToHex(ByteView(id).first(8)));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", dir, ": ", ec.message()));
  }
  return dir;
}

absl::StatusOr<NoteVerifier> Context::PinnedLogKey(const std::string& origin) {
  if (!vkey_file.empty()) return ReadVerifierKeyFile(vkey_file);
  UURO_ASSIGN_OR_RETURN(std::string dir, LedgerStateDir(origin));
  auto text = ReadText(dir + "/log.vkey");
  if (!text.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no log key is pinned for ", origin, "; pass --vkey FILE"));
  }
  return ParseVerifierKey(Trim(*text));
}

absl::StatusOr<NoteVerifier> Context::LogKey() {
  UURO_ASSIGN_OR_RETURN(std::string origin, Origin());
  auto pinned_key = PinnedLogKey(origin);
  if (pinned_key.ok() || !vkey_file.empty()) return pinned_key;
  UURO_ASSIGN_OR_RETURN(std::string dir, LedgerStateDir(origin));
  std::string pinned = dir + "/log.vkey";
  UURO_ASSIGN_OR_RETURN(v1::CheckpointResponse cp, Client().Checkpoint());
  UURO_ASSIGN_OR_RETURN(NoteVerifier key,
                        ParseVerifierKey(cp.log_verifier_key()));
  std::ofstream(pinned) << cp.log_verifier_key() << "\n";
  std::fprintf(stderr,
               "uuro: pinned the log key %s on first contact (in %s); pass "
               "--vkey FILE to pin one you got from the municipality\n",
               cp.log_verifier_key().c_str(), pinned.c_str());
  return key;
}

std::string Context::Currency() {
  if (!currency_ && !Origin().ok()) return "Uuro";
  return *currency_;
}

int Fail(const Context& ctx, const absl::Status& status) {
  std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (message.find("connect") != std::string::npos ||
          message.find("Connection") != std::string::npos ||
          message.find("DNS") != std::string::npos) {
        std::fprintf(stderr,
                     "uuro: cannot reach the ledger at %s (is uurod running? "
                     "set --server or UURO_SERVER)\n",
                     ctx.server.c_str());
        return 1;
      }
      break;
    case absl::StatusCode::kDeadlineExceeded:
      std::fprintf(stderr, "uuro: the ledger at %s did not answer in time\n",
                   ctx.server.c_str());
      return 1;
    default:
      break;
  }
  std::fprintf(stderr, "uuro: %s: %s\n",
               absl::StatusCodeToString(status.code()).c_str(),
               message.c_str());
  return 1;
}

void Print(const Context& ctx, const nlohmann::json& json,
           const std::string& text) {
  if (ctx.json) {
    std::printf("%s\n", json.dump(2).c_str());
  } else {
    std::printf("%s", text.c_str());
    if (!text.empty() && text.back() != '\n') std::printf("\n");
  }
}

}  // namespace uuro::cli
