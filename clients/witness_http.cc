#include "clients/witness_http.h"

#include "ledger/tlog/note.h"
#include "ledger/tlog/witness_protocol.h"

namespace uuro::client {

absl::StatusOr<std::unique_ptr<HttpListener>> StartWitnessHttp(
    Witness& witness, const std::string& address) {
  HttpLimits limits;
  // The old size line, 63 proof lines and the largest note we accept.
  limits.max_body_bytes = kMaxNoteSize + 64 * 64;
  auto handler = [&witness](HttpRequest& req, HttpReply reply) {
    if (req.path != "/add-checkpoint") {
      return reply(HttpResponse::Text(404, "not found\n"));
    }
    if (req.method != "POST") {
      return reply(HttpResponse::Text(405, "use POST\n").Set("Allow", "POST"));
    }
    WitnessResponse answer = witness.AddCheckpoint(req.body);
    HttpResponse res;
    res.status = answer.status;
    res.content_type = answer.content_type;
    res.body = std::move(answer.body);
    reply(std::move(res));
  };
  return HttpListener::Start(address, std::move(handler), limits);
}

}  // namespace uuro::client
