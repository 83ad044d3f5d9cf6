// TLS on uurod's gRPC port, with certificates made for the test by the
// openssl command: a certificate authority, and a server certificate it
// signs for 127.0.0.1. uuro reads through TLS with that authority pinned;
// a plaintext client and a client that trusts another authority get nothing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "clients/ledger_client.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using testing::CommandResult;
using testing::RunCommand;

// The path of the openssl command, or "" if there is none.
std::string Openssl() {
  CommandResult found = RunCommand({"/bin/sh", "-c", "command -v openssl"});
  std::string path = found.output;
  while (!path.empty() && path.back() == '\n') path.pop_back();
  return found.exit_code == 0 ? path : "";
}

// Makes ca.pem (and ca.key) in `dir`; with `server`, also server.pem and
// server.key for 127.0.0.1, signed by that authority.
void MakeCertificates(const testing::TempDir& dir, bool server) {
  const std::string d = dir.path();
  const std::string openssl = Openssl();
  CommandResult ca = RunCommand(
      {openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
       "-subj", "/CN=Uuro test CA", "-keyout", d + "/ca.key", "-out",
       d + "/ca.pem", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
       "keyUsage=critical,keyCertSign,cRLSign"});
  ASSERT_EQ(ca.exit_code, 0) << ca.output;
  if (!server) return;
  CommandResult request =
      RunCommand({openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj",
                  "/CN=127.0.0.1", "-keyout", d + "/server.key", "-out",
                  d + "/server.csr"});
  ASSERT_EQ(request.exit_code, 0) << request.output;
  {
    std::FILE* ext = std::fopen((d + "/server.ext").c_str(), "w");
    ASSERT_NE(ext, nullptr);
    std::fputs(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "extendedKeyUsage=serverAuth\n",
        ext);
    std::fclose(ext);
  }
  CommandResult sign = RunCommand(
      {openssl, "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem",
       "-CAkey", d + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile",
       d + "/server.ext", "-out", d + "/server.pem"});
  ASSERT_EQ(sign.exit_code, 0) << sign.output;
}

TEST(UurodTlsTest, ReadsWorkOverTlsAndPlaintextIsRefused) {
  if (Openssl().empty())
    GTEST_SKIP() << "no openssl command to make certificates";
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  testing::TempDir certs;
  ASSERT_NO_FATAL_FAILURE(MakeCertificates(certs, /*server=*/true));
  testing::TempDir other;
  ASSERT_NO_FATAL_FAILURE(MakeCertificates(other, /*server=*/false));

  testing::UurodProcess uurod(
      ledger->data, {"--tls-cert", certs.Sub("server.pem"), "--tls-key",
                     certs.Sub("server.key")});
  absl::Status started = uurod.Start();
  ASSERT_TRUE(started.ok()) << started;

  // uuro over TLS, trusting the test's authority: a read and a write.
  CommandResult fund = testing::RunUuro(
      *ledger, uurod.address(), {"--tls-ca", certs.Sub("ca.pem"), "fund"});
  EXPECT_EQ(fund.exit_code, 0) << fund.output;
  EXPECT_NE(fund.output.find(ledger->origin), std::string::npos) << fund.output;
  std::string steward = ledger->dir.Sub("steward.key");
  ASSERT_TRUE(SaveSecretKey(ledger->steward, steward).ok());
  CommandResult write = testing::RunUuro(
      *ledger, uurod.address(),
      {"--tls-ca", certs.Sub("ca.pem"), "district", "add", "riverside"},
      steward);
  EXPECT_EQ(write.exit_code, 0) << write.output;

  // A plaintext client gets no answer.
  client::LedgerClient plain(
      grpc::CreateChannel(uurod.address(), grpc::InsecureChannelCredentials()));
  EXPECT_FALSE(plain.Fund().ok());
  CommandResult plain_cli =
      testing::RunUuro(*ledger, uurod.address(), {"fund"});
  EXPECT_NE(plain_cli.exit_code, 0) << plain_cli.output;

  // Nor does a TLS client that trusts another authority.
  CommandResult untrusted = testing::RunUuro(
      *ledger, uurod.address(), {"--tls-ca", other.Sub("ca.pem"), "fund"});
  EXPECT_NE(untrusted.exit_code, 0) << untrusted.output;
}

}  // namespace
}  // namespace uuro
