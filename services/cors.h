// Cross-origin access to the public HTTP port, off unless the operator names
// origins (--cors-origin): a web app served from another origin may then call
// the Connect methods and read tiles. Only the listed origins are echoed back;
// there is no wildcard and no credentials.
#ifndef SERVICES_CORS_H_
#define SERVICES_CORS_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/net/http_message.h"

namespace uuro::server {

class CorsPolicy {
 public:
  // `origins` exactly as browsers send them ("https://fund.example-town.fi").
  explicit CorsPolicy(const std::vector<std::string>& origins)
      : origins_(origins.begin(), origins.end()) {}

  // The answer to a preflight (OPTIONS with Access-Control-Request-Method),
  // or nullopt if `req` is not one.
  std::optional<HttpResponse> Preflight(const HttpRequest& req) const;

  // Adds the headers that let the origin of `req` read `res`, if allowed.
  void Decorate(const HttpRequest& req, HttpResponse& res) const;

 private:
  bool Allowed(const std::string& origin) const {
    return origins_.count(origin) != 0;
  }

  const std::set<std::string> origins_;
};

}  // namespace uuro::server

#endif  // SERVICES_CORS_H_
