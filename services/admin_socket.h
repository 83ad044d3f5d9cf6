// The control socket of a running uurod, DIR/admin.sock: how `uurod backup`
// reaches a ledger whose RocksDB the server holds locked.
//
// RocksDB lets one process open a database for writing. A second process may
// open it read-only or as a secondary, but those read a moving target: the
// server's compactions delete SST files they have not copied yet, so neither
// yields a consistent copy. The server itself can: a RocksDB checkpoint taken
// by the process that owns the database is a point-in-time copy of every
// column family. The socket is a Unix domain socket of mode 0600 in the data
// folder, and a request is served only for a peer running as the server's
// own user (or root): the file system is the access control, with no
// network port and no password.
//
// Protocol: one request line, one answer line, then the server closes.
//   request:  "checkpoint <absolute path>\n"
//   answer:   "ok <tree size>\n" or "error <message>\n"
#ifndef SERVICES_ADMIN_SOCKET_H_
#define SERVICES_ADMIN_SOCKET_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "ledger/tlog/log_store.h"

namespace uuro::server {

class AdminSocket {
 public:
  // Listens on `path`, replacing a stale socket file left by a server that
  // died (the caller holds the ledger open, so no live server uses it).
  // `store` must outlive the socket.
  static absl::StatusOr<std::unique_ptr<AdminSocket>> Start(
      const std::string& path, const LogStore& store);
  ~AdminSocket();  // Stop().
  AdminSocket(const AdminSocket&) = delete;
  AdminSocket& operator=(const AdminSocket&) = delete;

  // Stops accepting, finishes the request in flight, removes the socket file.
  void Stop();

 private:
  AdminSocket(std::string path, const LogStore& store, int listen_fd,
              int wake_fd);
  void Run();
  void Serve(int fd);

  const std::string path_;
  const LogStore& store_;
  const int listen_fd_;
  const int wake_fd_;  // An eventfd that wakes Run() to stop.
  std::thread thread_;
};

// Client side: asks the server listening on `path` for a checkpoint of its
// ledger in `out_dir`. UNAVAILABLE if nothing listens there; the server's
// errors keep their message.
absl::StatusOr<uint64_t> RequestCheckpoint(const std::string& path,
                                           const std::string& out_dir);

}  // namespace uuro::server

#endif  // SERVICES_ADMIN_SOCKET_H_
