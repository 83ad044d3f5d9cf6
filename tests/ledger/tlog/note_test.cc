#include "ledger/tlog/note.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace uuro {
namespace {

using ::testing::HasSubstr;

// The example of https://c2sp.org/signed-note ("Verifier keys"). The
// signature was also checked with `openssl pkeyutl -verify -rawin`.
constexpr char kSpecVerifierKey[] =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
constexpr char kSpecText[] = "This is an example message.\n";
constexpr char kSpecNote[] =
    "This is an example message.\n"
    "\n"
    "\xE2\x80\x94 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRK"
    "uwHjG1Yu72IneyaQM=\n";

// The example of golang.org/x/mod/sumdb/note: its secret key is
// "PRIVATE+KEY+PeterNeumann+c74f20a3+" base64(0x01 || seed). Ed25519 is
// deterministic, so signing must reproduce the signature byte for byte.
constexpr char kGoSeed[] = "gQoUAtUUbI2E8kQzMPVAgOv5juF9nHT2JS/F1ccoMXM=";
constexpr char kGoVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnA"
    "M=\n";

NoteVerifier SpecVerifier() {
  absl::StatusOr<NoteVerifier> v = ParseVerifierKey(kSpecVerifierKey);
  EXPECT_TRUE(v.ok()) << v.status();
  return *v;
}

NoteSigner MakeSigner(const std::string& name) {
  absl::StatusOr<NoteSigner> s =
      NoteSigner::Create(name, SecretKey::Generate());
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

TEST(NoteTest, SpecExampleVerifies) {
  NoteVerifier v = SpecVerifier();
  EXPECT_EQ(v.name(), "example.com/foo");
  EXPECT_EQ(v.key_id(), 0x530d903au);
  absl::StatusOr<Note> note = OpenNote(kSpecNote, {v});
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->text, kSpecText);
  ASSERT_EQ(note->verified.size(), 1u);
  EXPECT_EQ(note->verified[0].name, "example.com/foo");
  EXPECT_EQ(note->verified[0].key_id, 0x530d903au);
  EXPECT_TRUE(note->unverified.empty());
}

TEST(NoteTest, SigningReproducesGoExample) {
  absl::StatusOr<Bytes> seed = Base64Decode(kGoSeed);
  ASSERT_TRUE(seed.ok());
  absl::StatusOr<SecretKey> key = SecretKey::FromSeed(*seed);
  ASSERT_TRUE(key.ok());
  absl::StatusOr<NoteSigner> signer =
      NoteSigner::Create("PeterNeumann", std::move(*key));
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(FormatVerifierKey(signer->verifier()), kGoVerifierKey);
  absl::StatusOr<std::string> note = SignNote(kGoText, {&*signer});
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(*note, kGoNote);
  absl::StatusOr<NoteVerifier> v = ParseVerifierKey(kGoVerifierKey);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(OpenNote(kGoNote, {*v}).ok());
}

TEST(NoteTest, AlteredTextRefused) {
  std::string altered = kSpecNote;
  altered[0] = 't';
  absl::StatusOr<Note> note = OpenNote(altered, {SpecVerifier()});
  EXPECT_EQ(note.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(note.status().message(), HasSubstr("does not verify"));

  // Same key id, other signature bytes: still a known key, so an error.
  std::string bad_sig = kSpecNote;
  size_t pos = bad_sig.find("Uw2QOkn8") + 8;
  bad_sig[pos] = bad_sig[pos] == 'A' ? 'B' : 'A';
  note = OpenNote(bad_sig, {SpecVerifier()});
  EXPECT_EQ(note.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(NoteTest, SameNameOtherKeyIsUnknown) {
  // A key under a known name but with another key id is an unknown key
  // (the spec: ignore it), so a note signed only by it is refused.
  NoteSigner other = MakeSigner("example.com/foo");
  absl::StatusOr<std::string> signed_note = SignNote(kSpecText, {&other});
  ASSERT_TRUE(signed_note.ok());
  absl::StatusOr<Note> note = OpenNote(*signed_note, {SpecVerifier()});
  EXPECT_EQ(note.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(note.status().message(), HasSubstr("not signed by any"));
}

TEST(NoteTest, UnknownSignersIgnored) {
  NoteSigner other = MakeSigner("witness.example/w1");
  absl::StatusOr<std::string> with_cosig =
      AddSignatureLines(kSpecNote, other.SignatureLine(kSpecText));
  ASSERT_TRUE(with_cosig.ok()) << with_cosig.status();
  absl::StatusOr<Note> note = OpenNote(*with_cosig, {SpecVerifier()});
  ASSERT_TRUE(note.ok()) << note.status();
  ASSERT_EQ(note->verified.size(), 1u);
  ASSERT_EQ(note->unverified.size(), 1u);
  EXPECT_EQ(note->unverified[0].name, "witness.example/w1");
  EXPECT_EQ(note->unverified[0].key_id, other.key_id());
}

TEST(NoteTest, OnlyUnknownSignersRefused) {
  NoteSigner a = MakeSigner("a.example");
  absl::StatusOr<Note> note = OpenNote(kSpecNote, {a.verifier()});
  EXPECT_EQ(note.status().code(), absl::StatusCode::kUnauthenticated);
  note = OpenNote(kSpecNote, {});
  EXPECT_EQ(note.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(NoteTest, SignAndOpenWithSeveralSigners) {
  NoteSigner a = MakeSigner("a.example/log");
  NoteSigner b = MakeSigner("b.example/log");
  NoteSigner c = MakeSigner("c.example/log");
  const std::string text = "line one\n\nline three after a blank\n";
  absl::StatusOr<std::string> signed_note = SignNote(text, {&a, &b, &c});
  ASSERT_TRUE(signed_note.ok()) << signed_note.status();
  EXPECT_EQ(signed_note->substr(0, text.size() + 1), text + "\n");

  absl::StatusOr<Note> note =
      OpenNote(*signed_note, {c.verifier(), a.verifier()});
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->text, text);
  ASSERT_EQ(note->verified.size(), 2u);
  EXPECT_EQ(note->verified[0].name, "a.example/log");
  EXPECT_EQ(note->verified[1].name, "c.example/log");
  ASSERT_EQ(note->unverified.size(), 1u);
  EXPECT_EQ(note->unverified[0].name, "b.example/log");
}

TEST(NoteTest, BadSignatureFromKnownKeyRefusedEvenIfAnotherVerifies) {
  NoteSigner a = MakeSigner("a.example");
  NoteSigner b = MakeSigner("b.example");
  absl::StatusOr<std::string> good = SignNote("hello\n", {&a});
  ASSERT_TRUE(good.ok());
  // b's signature over other text, attached to this note.
  absl::StatusOr<std::string> bad =
      AddSignatureLines(*good, b.SignatureLine("goodbye\n"));
  ASSERT_TRUE(bad.ok()) << bad.status();
  EXPECT_TRUE(OpenNote(*bad, {a.verifier()}).ok());
  absl::StatusOr<Note> note = OpenNote(*bad, {a.verifier(), b.verifier()});
  EXPECT_EQ(note.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(NoteTest, AddSignatureLinesReplacesSameKey) {
  NoteSigner a = MakeSigner("a.example");
  NoteSigner w = MakeSigner("w.example");
  absl::StatusOr<std::string> n1 = SignNote("x\n", {&a});
  ASSERT_TRUE(n1.ok());
  absl::StatusOr<std::string> n2 =
      AddSignatureLines(*n1, w.SignatureLine("x\n"));
  ASSERT_TRUE(n2.ok());
  absl::StatusOr<std::string> n3 =
      AddSignatureLines(*n2, w.SignatureLine("x\n"));
  ASSERT_TRUE(n3.ok());
  absl::StatusOr<Note> note = OpenNote(*n3, {a.verifier(), w.verifier()});
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->verified.size(), 2u);
  EXPECT_EQ(AddSignatureLines(*n1, "not a signature\n").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AddSignatureLines("no separator\n", w.SignatureLine("x\n"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NoteTest, SignNoteRefusesBadText) {
  NoteSigner a = MakeSigner("a.example");
  for (const char* text : {"", "no newline", "tab\there\n", "\xff\n"}) {
    EXPECT_EQ(SignNote(text, {&a}).status().code(),
              absl::StatusCode::kInvalidArgument)
        << text;
  }
  EXPECT_EQ(SignNote("ok\n", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NoteTest, MalformedNotesRefused) {
  const std::string sig_line =
      std::string(kSpecNote).substr(std::string(kSpecText).size() + 1);
  std::string too_many = std::string(kSpecText) + "\n";
  for (size_t i = 0; i <= kMaxNoteSignatures; ++i) too_many += sig_line;
  struct Case {
    std::string name;
    std::string note;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"no separator", std::string(kSpecText) + sig_line},
      {"no signatures", std::string(kSpecText) + "\n"},
      {"no final newline",
       std::string(kSpecNote).substr(0, std::string(kSpecNote).size() - 1)},
      {"hyphen not em dash",
       std::string(kSpecText) + "\n- example.com/foo AAAAAAAA\n"},
      {"bad base64",
       std::string(kSpecText) + "\n\xE2\x80\x94 example.com/foo Uw2Q!\n"},
      {"non-canonical base64",
       std::string(kSpecText) + "\n\xE2\x80\x94 example.com/foo AAAAAB==\n"},
      {"signature too short",
       std::string(kSpecText) + "\n\xE2\x80\x94 example.com/foo AAAAAA==\n"},
      {"no space", std::string(kSpecText) + "\n\xE2\x80\x94 example.com/foo\n"},
      {"empty name", std::string(kSpecText) + "\n\xE2\x80\x94  AAAAAAA=\n"},
      {"plus in name",
       std::string(kSpecText) + "\n\xE2\x80\x94 a+b AAAAAAA=\n"},
      {"control character", "a\rb\n\n" + sig_line},
      {"invalid UTF-8", "a\xc0\x80\n\n" + sig_line},
      {"too many signatures", too_many},
      {"too large", std::string(kMaxNoteSize, 'a') + "\n\n" + sig_line},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Note> note = OpenNote(c.note, {SpecVerifier()});
    EXPECT_EQ(note.status().code(), absl::StatusCode::kInvalidArgument)
        << c.name << ": " << note.status();
  }
}

TEST(NoteTest, SixteenSignaturesAccepted) {
  std::vector<NoteSigner> signers;
  std::vector<const NoteSigner*> ptrs;
  for (int i = 0; i < 16; ++i)
    signers.push_back(MakeSigner("s" + std::to_string(i)));
  for (const NoteSigner& s : signers) ptrs.push_back(&s);
  absl::StatusOr<std::string> signed_note = SignNote("t\n", ptrs);
  ASSERT_TRUE(signed_note.ok());
  absl::StatusOr<Note> note = OpenNote(*signed_note, {signers[15].verifier()});
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(note->unverified.size(), 15u);
}

TEST(NoteTest, VerifierKeyRoundTrip) {
  EXPECT_EQ(FormatVerifierKey(SpecVerifier()), kSpecVerifierKey);
}

TEST(NoteTest, VerifierKeyRoundTripFreshKey) {
  SecretKey key = SecretKey::Generate();
  absl::StatusOr<NoteVerifier> v =
      MakeVerifier("log.example/α", key.public_key());
  ASSERT_TRUE(v.ok()) << v.status();
  absl::StatusOr<NoteVerifier> parsed = ParseVerifierKey(FormatVerifierKey(*v));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->name(), v->name());
  EXPECT_EQ(parsed->key_id(), v->key_id());
  EXPECT_EQ(parsed->key(), key.public_key());
}

TEST(NoteTest, InvalidKeyNamesRefused) {
  for (const char* name : {"", "a b", "a+b", "a\tb",
                           "a\xc2\xa0"
                           "b",
                           "a\xe3\x80\x80"
                           "b",
                           "\xff"}) {
    EXPECT_FALSE(CheckKeyName(name).ok()) << name;
    EXPECT_FALSE(NoteSigner::Create(name, SecretKey::Generate()).ok()) << name;
  }
  EXPECT_TRUE(CheckKeyName("example.com/log-1").ok());
}

TEST(NoteTest, MalformedVerifierKeysRefused) {
  struct Case {
    const char* why;
    std::string key;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"no plus", "example.com/foo"},
      {"one plus", "example.com/foo+530d903a"},
      {"empty name", "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
      {"space in name",
       "example.com foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
      {"wrong key id",
       "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
      {"other name",
       "example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
      {"uppercase key id",
       "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
      {"short key id",
       "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
      {"bad base64",
       "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKa"},
      {"no type byte",
       "example.com/foo+530d903a+6TJ5GubnqECkYWTJBHhkJtXngh3YspoA1hyucq/dTaQ="},
      {"wrong type byte",
       "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"},
      {"trailing newline", std::string(kSpecVerifierKey) + "\n"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<NoteVerifier> v = ParseVerifierKey(c.key);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << c.why;
  }
}

}  // namespace
}  // namespace uuro
