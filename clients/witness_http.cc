#include "clients/witness_http.h"

#include <httplib.h>

#include "ledger/tlog/note.h"
#include "ledger/tlog/witness_protocol.h"

namespace uuro::client {

absl::StatusOr<std::unique_ptr<HttpListener>> StartWitnessHttp(
    Witness& witness, const std::string& address) {
  auto server = std::make_unique<httplib::Server>();
  // The old size line, 63 proof lines and the largest note we accept.
  server->set_payload_max_length(kMaxNoteSize + 64 * 64);
  server->Post("/add-checkpoint",
               [&witness](const httplib::Request& req, httplib::Response& res) {
                 WitnessResponse answer = witness.AddCheckpoint(req.body);
                 res.status = answer.status;
                 res.set_content(answer.body, answer.content_type);
               });
  server->Get("/add-checkpoint",
              [](const httplib::Request&, httplib::Response& res) {
                res.status = 405;
                res.set_header("Allow", "POST");
              });
  return HttpListener::Start(std::move(server), address);
}

}  // namespace uuro::client
