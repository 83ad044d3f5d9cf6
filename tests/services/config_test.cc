// The configuration file of `uurod serve`: the example in docs/ parses and
// holds every option, a flag wins over the file, a real server runs from a
// file, and a typo is refused instead of leaving a setting at its default.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using testing::RunCommand;

const std::string kExample =
    std::string(UURO_SOURCE_DIR) + "/docs/uurod.example.toml";

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

TEST(ConfigTest, TheExampleParsesAndAFlagOverridesIt) {
  auto printed = RunCommand({testing::UurodBinary(), "serve", "--config",
                             kExample, "--print-config"});
  ASSERT_EQ(printed.exit_code, 0) << printed.output;
  EXPECT_NE(printed.output.find("data = '/var/lib/uuro'"), std::string::npos)
      << printed.output;
  EXPECT_NE(printed.output.find("http-listen = '127.0.0.1:8080'"),
            std::string::npos)
      << printed.output;
  EXPECT_NE(printed.output.find("rate-limit = 50\n"), std::string::npos)
      << printed.output;
  // Every option is set by the example, apart from the optional TLS files,
  // witnesses and CORS origins, which it shows commented out.
  size_t unset = 0;
  for (size_t at = printed.output.find("is not set"); at != std::string::npos;
       at = printed.output.find("is not set", at + 1)) {
    ++unset;
  }
  EXPECT_EQ(unset, 4u) << printed.output;
  EXPECT_NE(printed.output.find("# witness is not set"), std::string::npos);
  EXPECT_NE(printed.output.find("# cors-origin is not set"), std::string::npos);
  EXPECT_NE(printed.output.find("admin-listen = '127.0.0.1:9464'"),
            std::string::npos);

  auto overridden = RunCommand({testing::UurodBinary(), "serve", "--config",
                                kExample, "--rate-limit", "7", "--data",
                                "/srv/other", "--print-config"});
  ASSERT_EQ(overridden.exit_code, 0) << overridden.output;
  EXPECT_NE(overridden.output.find("rate-limit = 7\n"), std::string::npos)
      << overridden.output;
  EXPECT_NE(overridden.output.find("data = '/srv/other'"), std::string::npos)
      << overridden.output;
  // What the flags did not name still comes from the file.
  EXPECT_NE(overridden.output.find("max-queue = 20000"), std::string::npos);
  EXPECT_NE(overridden.output.find("http-listen = '127.0.0.1:8080'"),
            std::string::npos);

  // The printed settings are themselves a configuration file.
  testing::TempDir dir;
  WriteFile(dir.Sub("printed.toml"), overridden.output);
  auto reread = RunCommand({testing::UurodBinary(), "serve", "--config",
                            dir.Sub("printed.toml"), "--print-config"});
  ASSERT_EQ(reread.exit_code, 0) << reread.output;
  EXPECT_EQ(reread.output, overridden.output);
}

TEST(ConfigTest, AServerRunsFromAConfigFile) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  const std::string config = ledger->dir.Sub("uurod.toml");
  // The test harness gives --data and --grpc-listen as flags; the rest of
  // the settings come from the file.
  WriteFile(config,
            "data = \"/nonexistent\"\n"
            "grpc-listen = \"127.0.0.1:1\"\n"
            "http-listen = \"127.0.0.1:0\"\n"
            "rate-limit = 0\n");
  testing::UurodProcess uurod(ledger->data, {"--config", config});
  absl::Status started = uurod.Start();
  ASSERT_TRUE(started.ok()) << started << uurod.Log();
  // The harness knows nothing of the file: look for the HTTP listener in
  // the log, which appears right after the gRPC one.
  bool http = false;
  for (int i = 0; i < 1000 && !http; ++i) {
    http = uurod.Log().find("event=listening http=127.0.0.1:") !=
           std::string::npos;
    if (!http) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(http) << uurod.Log();
  ASSERT_TRUE(uurod.Stop(SIGTERM).ok());
}

TEST(ConfigTest, AnUnknownKeyOrBadValueIsRefused) {
  testing::TempDir dir;
  WriteFile(dir.Sub("typo.toml"), "rate-limt = 5\n");
  auto typo = RunCommand({testing::UurodBinary(), "serve", "--config",
                          dir.Sub("typo.toml"), "--print-config"});
  EXPECT_NE(typo.exit_code, 0);
  EXPECT_NE(typo.output.find("unknown key \"rate-limt\""), std::string::npos)
      << typo.output;

  WriteFile(dir.Sub("bad.toml"), "rate-limit = \"fast\"\n");
  auto bad = RunCommand({testing::UurodBinary(), "serve", "--config",
                         dir.Sub("bad.toml"), "--print-config"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("rate-limit"), std::string::npos) << bad.output;

  WriteFile(dir.Sub("broken.toml"), "rate-limit = = 5\n");
  auto broken = RunCommand({testing::UurodBinary(), "serve", "--config",
                            dir.Sub("broken.toml"), "--print-config"});
  EXPECT_NE(broken.exit_code, 0);
  EXPECT_NE(broken.output.find("broken.toml:1:"), std::string::npos)
      << broken.output;

  auto missing = RunCommand(
      {testing::UurodBinary(), "serve", "--config", dir.Sub("absent.toml")});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("cannot read"), std::string::npos);
}

TEST(ConfigTest, VersionIsPrinted) {
  auto version = RunCommand({testing::UurodBinary(), "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("uurod ", 0), 0u) << version.output;
}

}  // namespace
}  // namespace uuro
