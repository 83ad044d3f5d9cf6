#include "services/connect_gateway.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/client_address.h"
#include "services/connect_cache.h"
#include "services/connect_codes.h"

namespace uuro::server {
namespace {

namespace pb = google::protobuf;

constexpr char kPrefix[] = "/uuro.v1.";
constexpr char kJson[] = "application/json";
constexpr char kProto[] = "application/proto";
// The services a browser may call; reflection and health are gRPC-only.
constexpr const char* kServices[] = {"uuro.v1.Ledger", "uuro.v1.Audit",
                                     "uuro.v1.Transparency"};

// One call in flight: it owns what the gRPC call reads and writes until the
// completion callback, which answers and deletes it.
struct ConnectCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  const pb::MethodDescriptor* method = nullptr;
  bool json = false;
  bool get = false;
  std::unique_ptr<pb::Message> request_message;  // Parsed; for caching.
  HttpReply reply;
};

std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor* type) {
  const pb::Message* prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(type);
  return std::unique_ptr<pb::Message>(prototype->New());
}

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

// The content type without parameters ("application/json; charset=utf-8").
std::string MediaType(const std::string& header) {
  std::string type = header.substr(0, header.find(';'));
  absl::StripAsciiWhitespace(&type);
  return absl::AsciiStrToLower(type);
}

// Where the request's message is, in which encoding: from the body of a
// POST or the query of a GET. An error answer if the request is malformed.
struct Payload {
  std::string bytes;
  bool json = false;
};
std::optional<HttpResponse> ReadPayload(const HttpRequest& req, Payload& out) {
  std::string encoding, compression;
  if (req.method == "GET") {
    if (std::string v = req.Query("connect"); !v.empty() && v != "v1") {
      return ConnectError(grpc::StatusCode::INVALID_ARGUMENT,
                          "connect must be v1");
    }
    encoding = req.Query("encoding");
    compression = req.Query("compression");
    out.bytes = req.Query("message");
    if (req.Query("base64") == "1") {
      std::string decoded;
      if (!absl::WebSafeBase64Unescape(out.bytes, &decoded) &&
          !absl::Base64Unescape(out.bytes, &decoded)) {
        return ConnectError(grpc::StatusCode::INVALID_ARGUMENT,
                            "message is not base64");
      }
      out.bytes = std::move(decoded);
    }
    if (encoding == "json") {
      out.json = true;
    } else if (encoding != "proto") {
      return ConnectError(grpc::StatusCode::INVALID_ARGUMENT,
                          "encoding must be json or proto");
    }
  } else {
    std::string type = MediaType(req.Header("content-type"));
    if (type == kJson) {
      out.json = true;
    } else if (type != kProto) {
      return HttpResponse::Text(415,
                                "use application/json or "
                                "application/proto\n")
          .Set("Accept-Post", "application/json, application/proto");
    }
    if (std::string v = req.Header("connect-protocol-version");
        !v.empty() && v != "1") {
      return ConnectError(grpc::StatusCode::INVALID_ARGUMENT,
                          "connect-protocol-version must be 1");
    }
    compression = req.Header("content-encoding");
    out.bytes = req.body;
  }
  if (!compression.empty() && compression != "identity") {
    return ConnectError(grpc::StatusCode::UNIMPLEMENTED,
                        "compressed requests are not supported; send "
                        "identity");
  }
  return std::nullopt;
}

void Finish(ConnectCall* call, const grpc::Status& status) {
  std::unique_ptr<ConnectCall> owned(call);
  if (!status.ok()) {
    return call->reply(
        ConnectError(status.error_code(), status.error_message()));
  }
  HttpResponse res;
  res.content_type = call->json ? kJson : kProto;
  std::string bytes = Flatten(call->response);
  std::unique_ptr<pb::Message> answer;
  if (call->json || call->get) {
    answer = NewMessage(call->method->output_type());
    if (!answer->ParseFromString(bytes)) {
      return call->reply(
          ConnectError(grpc::StatusCode::INTERNAL, "cannot read the answer"));
    }
  }
  if (call->json) {
    if (!pb::util::MessageToJsonString(*answer, &res.body).ok()) {
      return call->reply(ConnectError(grpc::StatusCode::INTERNAL,
                                      "cannot write the answer as JSON"));
    }
  } else {
    res.body = std::move(bytes);
  }
  if (call->get) {
    res.Set("Cache-Control",
            ConnectCacheControl(call->method->full_name(),
                                *call->request_message, *answer));
    // Answers in both encodings live at different URLs already; browsers
    // still vary on the origin when CORS is on (services/cors.h).
  }
  call->reply(std::move(res));
}

}  // namespace

ConnectGateway::ConnectGateway(std::shared_ptr<grpc::Channel> channel,
                               std::chrono::milliseconds deadline)
    : stub_(std::move(channel)), deadline_(deadline) {}

void ConnectGateway::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

bool ConnectGateway::Claims(const std::string& path) {
  return absl::StartsWith(path, kPrefix);
}

const pb::MethodDescriptor* ConnectGateway::Find(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == 0 || slash == std::string::npos) return nullptr;
  const std::string service = path.substr(1, slash - 1);
  if (std::find_if(std::begin(kServices), std::end(kServices),
                   [&](const char* s) { return service == s; }) ==
      std::end(kServices)) {
    return nullptr;
  }
  const pb::ServiceDescriptor* found =
      pb::DescriptorPool::generated_pool()->FindServiceByName(service);
  if (found == nullptr) return nullptr;
  return found->FindMethodByName(path.substr(slash + 1));
}

void ConnectGateway::Handle(HttpRequest& req, HttpReply reply) {
  const pb::MethodDescriptor* method = Find(req.path);
  if (method == nullptr) {
    return reply(ConnectError(grpc::StatusCode::UNIMPLEMENTED,
                              absl::StrCat("no method ", req.path)));
  }
  const bool get = req.method == "GET";
  if (get && method->options().idempotency_level() !=
                 pb::MethodOptions::NO_SIDE_EFFECTS) {
    return reply(HttpResponse::Text(405,
                                    "this method changes the ledger; "
                                    "use POST\n")
                     .Set("Allow", "POST"));
  }
  if (!get && req.method != "POST") {
    return reply(HttpResponse::Text(405, "use POST (or GET for reads)\n")
                     .Set("Allow", method->options().idempotency_level() ==
                                           pb::MethodOptions::NO_SIDE_EFFECTS
                                       ? "GET, POST"
                                       : "POST"));
  }
  Payload payload;
  if (auto refused = ReadPayload(req, payload)) {
    return reply(*std::move(refused));
  }
  auto call = std::make_unique<ConnectCall>();
  call->method = method;
  call->json = payload.json;
  call->get = get;
  call->reply = std::move(reply);
  std::string bytes;
  if (payload.json || get) {
    call->request_message = NewMessage(method->input_type());
    if (payload.json) {
      auto parsed = pb::util::JsonStringToMessage(payload.bytes,
                                                  call->request_message.get());
      if (!parsed.ok()) {
        return call->reply(
            ConnectError(grpc::StatusCode::INVALID_ARGUMENT,
                         absl::StrCat("malformed JSON request: ",
                                      std::string(parsed.message()))));
      }
      call->request_message->SerializeToString(&bytes);
    } else {
      // Parsed only to choose the answer's caching; the server parses the
      // bytes it is given again.
      if (!call->request_message->ParseFromString(payload.bytes)) {
        return call->reply(ConnectError(grpc::StatusCode::INVALID_ARGUMENT,
                                        "malformed request message"));
      }
      bytes = std::move(payload.bytes);
    }
  } else {
    bytes = std::move(payload.bytes);
  }
  std::chrono::milliseconds deadline = deadline_;
  if (int64_t ms = 0;
      absl::SimpleAtoi(req.Header("connect-timeout-ms"), &ms) && ms > 0) {
    deadline = std::min(deadline, std::chrono::milliseconds(ms));
  }
  call->context.set_deadline(std::chrono::system_clock::now() + deadline);
  // The server sees no address on the in-process channel; per-address
  // limits need the HTTP client's (services/client_address.h).
  call->context.AddMetadata(kClientAddressHeader, req.peer);
  call->context.AddMetadata(kGatewayTokenHeader, GatewayToken());
  grpc::Slice slice(bytes);
  call->request = grpc::ByteBuffer(&slice, 1);
  const std::string name =
      absl::StrCat("/", method->service()->full_name(), "/", method->name());
  absl::ReaderMutexLock lock(&mu_);
  if (closed_) {
    return call->reply(
        ConnectError(grpc::StatusCode::UNAVAILABLE, "the server is stopping"));
  }
  ConnectCall* raw = call.release();
  stub_.UnaryCall(&raw->context, name, grpc::StubOptions(), &raw->request,
                  &raw->response,
                  [raw](grpc::Status status) { Finish(raw, status); });
}

}  // namespace uuro::server
