// The printed pages in a real browser: letters.html and card.html made by
// uuro against a real uurod, rendered by headless Chromium, and their QR
// codes read back with zbarimg. Both tools come from scripts/setup; a
// missing one fails the test, since then nothing here is checked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_split.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using testing::CommandResult;

constexpr char kChromium[] = "/usr/bin/chromium";
constexpr char kZbarimg[] = "/usr/bin/zbarimg";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PaperBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kChromium))
        << kChromium << " is missing: run scripts/setup (package chromium)";
    ASSERT_TRUE(std::filesystem::exists(kZbarimg))
        << kZbarimg << " is missing: run scripts/setup (package zbar-tools)";
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    uurod_ = std::make_unique<testing::UurodProcess>(ledger_->data);
    ASSERT_TRUE(uurod_->Start().ok());
    steward_ = ledger_->dir.Sub("steward.key");
    ASSERT_TRUE(SaveSecretKey(ledger_->steward, steward_).ok());
  }

  CommandResult Uuro(const std::vector<std::string>& args,
                     const std::string& key = "") {
    return testing::RunUuro(*ledger_, uurod_->address(), args, key);
  }

  // The first page of `html` as Chromium draws it, decoded by zbarimg.
  std::string RenderAndDecode(const std::string& html) {
    std::string png = html + ".png";
    CommandResult shot = testing::RunCommand(
        {kChromium, "--headless", "--no-sandbox", "--disable-gpu",
         "--hide-scrollbars", "--user-data-dir=" + ledger_->dir.Sub("chrome"),
         "--window-size=900,2600", "--screenshot=" + png, "file://" + html});
    EXPECT_EQ(shot.exit_code, 0) << shot.output;
    EXPECT_TRUE(std::filesystem::exists(png)) << shot.output;
    CommandResult decoded =
        testing::RunCommand({kZbarimg, "-q", "--raw", "--nodbus", png});
    EXPECT_EQ(decoded.exit_code, 0) << decoded.output;
    return decoded.output;
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::string steward_;
};

TEST_F(PaperBrowserTest, LetterQrCodeDecodesToTheJoinUrl) {
  std::string dir = ledger_->dir.Sub("letters");
  CommandResult issued =
      Uuro({"invites", "issue", "--district", "harbour", "--count", "2",
            "--out", dir, "--join-url", "https://fund.example.nl"},
           steward_);
  ASSERT_EQ(issued.exit_code, 0) << issued.output;
  std::vector<std::string> rows =
      absl::StrSplit(ReadFile(dir + "/invites.csv"), '\n', absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 3u);
  std::set<std::string> urls;
  for (size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> fields = absl::StrSplit(rows[i], ',');
    ASSERT_EQ(fields.size(), 3u);
    urls.insert(fields[2]);
  }
  // On screen the two letters stand one under the other; both codes read.
  std::vector<std::string> decoded = absl::StrSplit(
      RenderAndDecode(dir + "/letters.html"), '\n', absl::SkipEmpty());
  EXPECT_EQ(std::set<std::string>(decoded.begin(), decoded.end()), urls);
  EXPECT_EQ(std::filesystem::status(dir + "/letters.html").permissions() &
                std::filesystem::perms::group_all,
            std::filesystem::perms::none);
}

TEST_F(PaperBrowserTest, KeyCardQrCodeIsTheSecretKey) {
  std::string key_path = ledger_->dir.Sub("desk.key");
  ASSERT_EQ(Uuro({"key", "new", "--out", key_path}).exit_code, 0);
  std::string card = ledger_->dir.Sub("card.html");
  CommandResult made = Uuro({"card", "--out", card}, key_path);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_EQ(std::filesystem::status(card).permissions() &
                (std::filesystem::perms::group_all |
                 std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  std::string text = RenderAndDecode(card);
  auto scanned = ParseSecretKeyText(text);
  ASSERT_TRUE(scanned.ok()) << scanned.status() << ": " << text;
  auto original = LoadSecretKey(key_path);
  ASSERT_TRUE(original.ok());
  EXPECT_EQ(scanned->public_key(), original->public_key());
  EXPECT_NE(ReadFile(card).find(FormatPublicKey(original->public_key())),
            std::string::npos);
}

}  // namespace
}  // namespace uuro
