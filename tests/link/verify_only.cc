// A program that links only what a verifier needs: the witness (uuro::witness)
// and the receipt check (uuro::fund). The test verify_only_links_no_rocksdb
// runs ldd on it: neither may pull in RocksDB or gRPC.
#include <cstdio>

#include "clients/witness.h"
#include "ledger/fund/receipt.h"

int main() {
  // Taking the addresses keeps both in the program, with all they need.
  auto* volatile verify_receipt = &uuro::VerifyReceipt;
  auto* volatile open_witness = &uuro::client::Witness::Open;
  std::printf("%d\n", verify_receipt != nullptr && open_witness != nullptr);
  return 0;
}
