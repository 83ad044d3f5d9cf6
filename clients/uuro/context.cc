#include "clients/uuro/context.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/checkpoint.h"
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
  if (!identity_checked_) {
    identity_checked_ = true;
    absl::Status identity = CheckServerIdentity();
    if (!identity.ok()) throw ServerRefused{identity};
  }
  return *client_;
}

absl::Status Context::CheckServerIdentity() {
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, client_->Fund());
  origin_ = fund.origin();
  currency_ = fund.currency_name().empty() ? "Uuro" : fund.currency_name();
  UURO_ASSIGN_OR_RETURN(v1::CheckpointResponse cp, client_->Checkpoint());
  const std::string announced = cp.log_verifier_key();

  std::string pinned_file = vkey_file;
  std::optional<NoteVerifier> pinned;
  if (!vkey_file.empty()) {
    UURO_ASSIGN_OR_RETURN(pinned, ReadVerifierKeyFile(vkey_file));
  } else {
    UURO_ASSIGN_OR_RETURN(std::string dir, LedgerStateDir(fund.origin()));
    pinned_file = dir + "/log.vkey";
    if (auto text = ReadText(pinned_file); text.ok()) {
      absl::StatusOr<NoteVerifier> key = ParseVerifierKey(Trim(*text));
      if (!key.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat(pinned_file, ": ", key.status().message()));
      }
      pinned = *key;
    }
  }
  if (!pinned) {
    // Trust on first use: pin what the server announces, once it proves to
    // hold that key for this origin.
    absl::StatusOr<NoteVerifier> key = ParseVerifierKey(announced);
    if (!key.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the server at ", server, " announces a log key that ",
                       "does not parse: ", key.status().message()));
    }
    if (key->name() != fund.origin() ||
        !OpenCheckpoint(cp.checkpoint(), *key, key->name()).ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the server at ", server, " serves the ledger \"", fund.origin(),
          "\" but its checkpoint does not verify with the key it announces (",
          announced, "); nothing was pinned"));
    }
    std::ofstream(pinned_file) << announced << "\n";
    std::fprintf(stderr,
                 "uuro: pinned the log key %s on first contact (in %s); pass "
                 "--vkey FILE to pin one you got from the municipality\n",
                 announced.c_str(), pinned_file.c_str());
    log_key_ = *key;
    return absl::OkStatus();
  }

  const std::string pinned_text = FormatVerifierKey(*pinned);
  if (pinned->name() != fund.origin()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the server at ", server, " is another ledger: it serves \"",
        fund.origin(), "\" with the log key ", announced,
        ", but the pinned log key (", pinned_file, ") is ", pinned_text,
        "; nothing was sent"));
  }
  absl::StatusOr<Checkpoint> opened =
      OpenCheckpoint(cp.checkpoint(), *pinned, pinned->name());
  if (!opened.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the server at ", server,
        " does not sign with the pinned log key: it announces ", announced,
        ", but the pinned log key (", pinned_file, ") is ", pinned_text,
        ", and its checkpoint does not verify with the pinned key (",
        opened.status().message(), "); nothing was sent"));
  }
  log_key_ = *pinned;
  return absl::OkStatus();
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
  Client();  // Checks the server's identity once, which sets origin_.
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
  Client();  // Checks the server against the pinned key (or pins it).
  if (log_key_) return *log_key_;
  UURO_ASSIGN_OR_RETURN(std::string origin, Origin());
  return PinnedLogKey(origin);
}

std::string Context::Currency() {
  if (!currency_ && !Origin().ok()) return "Uuro";
  return *currency_;
}

int FailWith(const Context& ctx, const std::string& code,
             const std::string& message, int exit_code) {
  if (ctx.json) {
    nlohmann::json error = {{"error", {{"code", code}, {"message", message}}}};
    std::fprintf(
        stderr, "%s\n",
        error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            .c_str());
  } else if (code.empty()) {
    std::fprintf(stderr, "uuro: %s\n", message.c_str());
  } else {
    std::fprintf(stderr, "uuro: %s: %s\n", code.c_str(), message.c_str());
  }
  return exit_code;
}

int Fail(const Context& ctx, const absl::Status& status) {
  std::string message(status.message());
  const std::string code = absl::StatusCodeToString(status.code());
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (message.find("connect") != std::string::npos ||
          message.find("Connection") != std::string::npos ||
          message.find("DNS") != std::string::npos) {
        std::string text =
            absl::StrCat("cannot reach the ledger at ", ctx.server,
                         " (is uurod running? set --server or UURO_SERVER)");
        return ctx.json ? FailWith(ctx, code, text, 1)
                        : FailWith(ctx, "", text, 1);
      }
      break;
    case absl::StatusCode::kDeadlineExceeded: {
      std::string text =
          absl::StrCat("the ledger at ", ctx.server, " did not answer in time");
      return ctx.json ? FailWith(ctx, code, text, 1)
                      : FailWith(ctx, "", text, 1);
    }
    default:
      break;
  }
  return FailWith(ctx, code, message, 1);
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
