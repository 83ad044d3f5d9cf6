// The built web app (--web-root) at "/": its files with their content types,
// an ETag, gzip when the client accepts it (a precompressed ".gz" sibling, or
// text compressed on the fly with zlib), and
// index.html for client-side routes (paths whose last part has no dot). Every
// answer carries a strict Content-Security-Policy. Nothing outside the root
// is ever served: ".." is refused and symbolic links that lead out of the
// root are not followed.
#ifndef SERVICES_STATIC_FILES_H_
#define SERVICES_STATIC_FILES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/net/http_message.h"

namespace uuro::server {

// The policy every page of the app is served with.
extern const char kContentSecurityPolicy[];

class StaticFiles {
 public:
  // NotFound if `root` is not a folder.
  static absl::StatusOr<StaticFiles> Open(const std::string& root);

  // The answer to a GET or HEAD of `req.path`; nullopt for other methods.
  // Reads the file on each call (the app is small; the page cache holds it).
  std::optional<HttpResponse> Serve(const HttpRequest& req) const;

  const std::string& root() const { return root_; }

 private:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}

  // The real path of `relative` under the root, or nullopt if it does not
  // exist, is not a regular file, or resolves outside the root.
  std::optional<std::string> Resolve(const std::string& relative) const;

  std::string root_;  // A real path, without a trailing '/'.
};

}  // namespace uuro::server

#endif  // SERVICES_STATIC_FILES_H_
