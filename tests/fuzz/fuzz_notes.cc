// Fuzzes signed-note and checkpoint parsing: OpenNote, ParseCheckpoint,
// OpenCheckpoint, ParseVerifierKey and AddSignatureLines, on text a monitor
// or witness could be handed by anyone.
//
// Properties checked:
//   - a checkpoint that parses is in its one canonical form (FormatCheckpoint
//     gives back the same text);
//   - a verifier key that parses formats back to the same text;
//   - a note opened with the fuzz key either is one that key signed, or is
//     refused: re-signing its text gives a note that opens to the same text;
//   - a note that opens still opens after AddSignatureLines of its own
//     signature lines, with the same text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/fund/receipt.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"

namespace {

constexpr char kOrigin[] = "fuzz.uuro.example/ledger";

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

// The key of the signed-note example in C2SP and Go's note package
// ("PeterNeumann"), so that the seed corpus can hold a genuine note.
const uuro::NoteSigner& Signer() {
  static auto* signer = [] {
    const uint8_t seed[32] = {0x81, 0x0a, 0x14, 0x02, 0xd5, 0x14, 0x6c, 0x8d,
                              0x84, 0xf2, 0x44, 0x33, 0x30, 0xf5, 0x40, 0x80,
                              0xeb, 0xf9, 0x8e, 0xe1, 0x7d, 0x9c, 0x74, 0xf6,
                              0x25, 0x2f, 0xc5, 0xd5, 0xc7, 0x28, 0x31, 0x73};
    auto key = uuro::SecretKey::FromSeed(uuro::ByteView(seed, sizeof seed));
    return new uuro::NoteSigner(
        *uuro::NoteSigner::Create("PeterNeumann", std::move(*key)));
  }();
  return *signer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace uuro;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const NoteVerifier verifier = Signer().verifier();

  if (auto cp = ParseCheckpoint(text); cp.ok()) {
    Check(FormatCheckpoint(*cp) == text, "a parsed checkpoint is canonical");
  }
  if (auto key = ParseVerifierKey(text); key.ok()) {
    Check(FormatVerifierKey(*key) == text,
          "a parsed verifier key is canonical");
  }
  (void)OpenCheckpoint(text, verifier, kOrigin);

  auto note = OpenNote(text, {verifier});
  if (note.ok()) {
    Check(!note->verified.empty(), "an opened note has a verified signature");
    Check(CheckNoteText(note->text).ok(), "an opened note's text is signable");
    std::string signature(text.substr(note->text.size() + 1));
    auto again = AddSignatureLines(text, signature);
    Check(again.ok(), "a note takes its own signature lines again");
    auto reopened = OpenNote(*again, {verifier});
    Check(reopened.ok() && reopened->text == note->text,
          "re-adding its own signatures keeps a note valid");
  } else if (CheckNoteText(text).ok() && text.size() < 4096) {
    // Any signable text: signing and opening round-trips.
    const NoteSigner* signers[] = {&Signer()};
    auto signed_note = SignNote(text, signers);
    Check(signed_note.ok(), "signable text can be signed");
    auto opened = OpenNote(*signed_note, {verifier});
    Check(opened.ok() && opened->text == text,
          "a signed note opens to its text");
  }

  // Signature lines from anyone, appended to a genuine checkpoint.
  static const std::string genuine = *SignCheckpoint(
      {kOrigin, 5, HashLeaf(AsBytes(std::string_view("x"))), {}}, Signer());
  if (auto added = AddSignatureLines(genuine, text); added.ok()) {
    auto cp = OpenCheckpoint(*added, verifier, kOrigin);
    // Lines under the log's own name and key id must verify, so adding a
    // forged one makes the note fail; anything else keeps it valid.
    if (cp.ok()) Check(cp->size == 5, "the checkpoint keeps its size");
  }
  return 0;
}
