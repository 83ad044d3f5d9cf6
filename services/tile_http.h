// The log over HTTP, read-only, as C2SP tlog-tiles: the latest checkpoint,
// hash tiles, entry bundles and the verifier key, so that off-the-shelf
// transparency-log tooling and plain HTTP caches can check and mirror it.
#ifndef SERVICES_TILE_HTTP_H_
#define SERVICES_TILE_HTTP_H_

#include <optional>

#include "ledger/net/http_message.h"
#include "services/ledger_view.h"

namespace uuro::server {

// The answer to a GET or HEAD of /checkpoint, /log.vkey or /tile/..., read
// from `node`; nullopt for any other path or method. Thread-safe.
std::optional<HttpResponse> ServeTiles(const LedgerView& node,
                                       const HttpRequest& req);

}  // namespace uuro::server

#endif  // SERVICES_TILE_HTTP_H_
