#include "clients/uuro/cosigned.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "clients/council_keys.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {
namespace {

absl::StatusOr<std::string> CouncilKeysFile(Context& ctx,
                                            const NoteVerifier& log_key) {
  UURO_ASSIGN_OR_RETURN(std::string dir, ctx.LedgerStateDir(log_key.name()));
  return dir + "/council.keys";
}

}  // namespace

absl::StatusOr<std::vector<Cosignature>> CheckCosignaturesOnline(
    Context& ctx, const NoteVerifier& log_key, const std::string& note,
    size_t required) {
  UURO_ASSIGN_OR_RETURN(Checkpoint cp,
                        OpenCheckpoint(note, log_key, log_key.name()));
  UURO_ASSIGN_OR_RETURN(std::vector<PublicKey> council,
                        client::FetchCouncilKeys(ctx.Client(), cp, log_key));
  UURO_ASSIGN_OR_RETURN(std::string path, CouncilKeysFile(ctx, log_key));
  std::ofstream out(path, std::ios::trunc);
  for (const PublicKey& key : council) out << FormatPublicKey(key) << "\n";
  return client::RequireCosignatures(note, log_key, council, required);
}

absl::StatusOr<std::vector<Cosignature>> CheckCosignaturesOffline(
    Context& ctx, const NoteVerifier& log_key, const std::string& note,
    size_t required) {
  UURO_ASSIGN_OR_RETURN(std::string path, CouncilKeysFile(ctx, log_key));
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("the council keys of ", log_key.name(),
                     " are not known here yet; run once without --offline"));
  }
  std::vector<PublicKey> council;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    UURO_ASSIGN_OR_RETURN(PublicKey key, ParsePublicKey(line));
    council.push_back(key);
  }
  return client::RequireCosignatures(note, log_key, council, required);
}

std::string DescribeCosignatures(const std::vector<Cosignature>& cosigs) {
  std::string names;
  for (const Cosignature& c : cosigs) {
    absl::StrAppend(&names, names.empty() ? "" : ", ", c.name);
  }
  return absl::StrCat(cosigs.size(), " council cosignature",
                      cosigs.size() == 1 ? "" : "s", " (", names, ")");
}

}  // namespace uuro::cli
