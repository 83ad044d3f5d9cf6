// uuro invites issue | claim | status: invite letters for a district, and
// enrolment of a new key by the code on its letter.
#include <sodium.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "clients/paper/letters.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/table.h"
#include "ledger/fund/invite_code.h"
#include "ledger/fund/validation.h"
#include "ledger/tlog/atomic_file.h"
#include "ledger/tlog/iso_time.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"

namespace uuro::cli {
namespace {

struct IssueArgs {
  std::string district;
  size_t count = 0;
  std::string out;
  std::string expires_in = "90d";
  std::string join_url = "http://localhost:8080";
};

// The files are written only after every batch is on the log: a letter
// whose code was never issued would be worse than an issued code nobody
// received (that one just expires).
absl::Status IssueInvites(Context& ctx, const IssueArgs& args) {
  if (args.count == 0) {
    return absl::InvalidArgumentError("--count must be at least 1");
  }
  UURO_ASSIGN_OR_RETURN(uint64_t lifetime, ParseDuration(args.expires_in));
  std::filesystem::path dir(args.out);
  for (const char* name : {"invites.csv", "letters.html"}) {
    if (std::filesystem::exists(dir / name)) {
      return absl::AlreadyExistsError(
          absl::StrCat((dir / name).string(),
                       " exists; codes are never overwritten, choose a new "
                       "--out folder"));
    }
  }
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create folder ", args.out, ": ", error.message()));
  }
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, ctx.Client().Fund());
  const uint64_t expires_at_ms = WallClockMs() + lifetime;

  std::vector<paper::Invite> invites;
  for (size_t i = 0; i < args.count; ++i) {
    std::string code = fund::NewInviteCode();
    invites.push_back(
        {code, args.district, paper::JoinUrl(args.join_url, code)});
  }
  nlohmann::json entries = nlohmann::json::array();
  for (size_t first = 0; first < invites.size();
       first += fund::kMaxInvitesPerTx) {
    size_t end = std::min(invites.size(), first + fund::kMaxInvitesPerTx);
    v1::TxBody body;
    v1::IssueInvites* issue = body.mutable_issue_invites();
    issue->set_district(args.district);
    issue->set_expires_at_ms(expires_at_ms);
    for (size_t i = first; i < end; ++i) {
      Hash hash = fund::InviteCodeHash(invites[i].code);
      issue->add_code_hashes(std::string(AsString(hash)));
    }
    auto submitted = SubmitVerified(ctx, std::move(body));
    if (!submitted.ok()) {
      return absl::Status(
          submitted.status().code(),
          absl::StrCat(submitted.status().message(), " (", first,
                       " invites were issued before this batch; no files "
                       "were written)"));
    }
    entries.push_back(submitted->receipt.index());
  }
  std::string csv = paper::InvitesCsv(invites);
  UURO_ASSIGN_OR_RETURN(
      std::string letters,
      paper::RenderLetters(
          invites,
          {fund.fund_name(), FormatIsoTime(expires_at_ms).substr(0, 10)}));
  // The codes are secrets until the letters are mailed: only this user.
  absl::Status wrote =
      WriteFileAtomically((dir / "invites.csv").string(), csv, 0600);
  if (wrote.ok()) {
    wrote = WriteFileAtomically((dir / "letters.html").string(), letters, 0600);
  }
  sodium_memzero(csv.data(), csv.size());
  sodium_memzero(letters.data(), letters.size());
  UURO_RETURN_IF_ERROR(wrote);
  Print(ctx,
        {{"district", args.district},
         {"count", args.count},
         {"expires", FormatIsoTime(expires_at_ms)},
         {"entries", entries},
         {"csv", (dir / "invites.csv").string()},
         {"letters", (dir / "letters.html").string()}},
        absl::StrCat(
            "issued ", args.count, " invites for district ", args.district,
            ", valid until ", FormatIsoTime(expires_at_ms), "\n  ",
            (dir / "invites.csv").string(), " (for the mail house)\n  ",
            (dir / "letters.html").string(), " (print on A4)\n"));
  return absl::OkStatus();
}

absl::Status ClaimInvite(Context& ctx, const std::string& text) {
  // A typo is caught here, before the key or the network is touched.
  UURO_ASSIGN_OR_RETURN(std::string code, fund::ParseInviteCode(text));
  v1::TxBody body;
  body.mutable_claim_invite()->set_code(code);
  UURO_ASSIGN_OR_RETURN(Submitted submitted,
                        SubmitVerified(ctx, std::move(body)));
  UURO_ASSIGN_OR_RETURN(SecretKey key, ctx.Key());
  v1::GetResidentRequest request;
  request.set_key(PublicKeyBytes(key.public_key()));
  v1::ResidentView view;
  grpc::ClientContext call;
  grpc::Status status =
      ctx.Client().ledger().GetResident(&call, request, &view);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  const std::string& district = view.resident().district();
  Print(ctx,
        {{"district", district},
         {"public_key", FormatPublicKey(key.public_key())},
         {"index", submitted.receipt.index()},
         {"receipt_file", submitted.receipt_file}},
        absl::StrCat("enrolled in district ", district, "\n  key ",
                     FormatPublicKey(key.public_key()), ", entry ",
                     submitted.receipt.index(),
                     "; receipt saved: ", submitted.receipt_file, "\n"));
  return absl::OkStatus();
}

absl::Status ShowStatus(Context& ctx) {
  v1::GetInvitesRequest request;
  v1::GetInvitesResponse response;
  grpc::ClientContext call;
  grpc::Status status =
      ctx.Client().ledger().GetInvites(&call, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  Table table({"DISTRICT", "ISSUED", "CLAIMED", "EXPIRED", "OPEN"});
  nlohmann::json json = nlohmann::json::array();
  for (const v1::DistrictInvites& d : response.districts()) {
    uint64_t open = d.issued() - d.claimed() - d.expired();
    table.Add({d.district(), std::to_string(d.issued()),
               std::to_string(d.claimed()), std::to_string(d.expired()),
               std::to_string(open)});
    json.push_back({{"district", d.district()},
                    {"issued", d.issued()},
                    {"claimed", d.claimed()},
                    {"expired", d.expired()},
                    {"open", open}});
  }
  Print(ctx, json,
        table.size() ? absl::StrCat(table.Render(), "as of ",
                                    FormatIsoTime(response.as_of_ms()), "\n")
                     : "no invites issued\n");
  return absl::OkStatus();
}

}  // namespace

void AddInviteCommands(CLI::App& app, Context& ctx) {
  CLI::App* invites = app.add_subcommand(
      "invites", "Invite letters: issue them, claim one, see the totals.");
  invites->require_subcommand(1);

  auto args = std::make_shared<IssueArgs>();
  CLI::App* issue = invites->add_subcommand(
      "issue",
      "Issue invites for a district (fund office); writes invites.csv for "
      "the mail house and letters.html to print.");
  issue->add_option("--district", args->district, "defined district")
      ->required();
  issue->add_option("--count", args->count, "number of invites")->required();
  issue->add_option("--out", args->out, "folder for the two files")->required();
  issue
      ->add_option("--expires-in", args->expires_in,
                   "how long the codes work (at most 400d)")
      ->capture_default_str();
  issue
      ->add_option("--join-url", args->join_url,
                   "the fund's web app; letters link to "
                   "URL/#/join?code=CODE")
      ->capture_default_str();
  issue->footer(
      "Example:\n  uuro --key steward.key invites issue --district harbour "
      "--count 500 --out letters/harbour --join-url https://fund.example.nl");
  OnRun(issue, ctx, [args](Context& c) { return IssueInvites(c, *args); });

  auto code = std::make_shared<std::string>();
  CLI::App* claim = invites->add_subcommand(
      "claim", "Enrol --key (a new key) with the code of an invite letter.");
  claim->add_option("code", *code, "the code, dashes optional")->required();
  claim->footer(
      "Example:\n  uuro key new --out me.key\n"
      "  uuro --key me.key invites claim 7XKQ2-...");
  OnRun(claim, ctx, [code](Context& c) { return ClaimInvite(c, *code); });

  CLI::App* status = invites->add_subcommand(
      "status", "Invites per district: issued, claimed, expired, open.");
  status->footer("Example:\n  uuro invites status");
  OnRun(status, ctx, [](Context& c) { return ShowStatus(c); });
}

}  // namespace uuro::cli
