// Cache-Control for a Connect GET answer: answers that cannot change (a
// proof between two fixed tree sizes, a full range of entries) may be kept
// for good by any cache; everything else is revalidated.
#ifndef SERVICES_CONNECT_CACHE_H_
#define SERVICES_CONNECT_CACHE_H_

#include <string>

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace uuro::server {

// The Cache-Control value for the successful answer `response` of the call
// of `method` ("uuro.v1.Transparency.GetEntries") with `request`.
std::string ConnectCacheControl(const std::string& method,
                                const google::protobuf::Message& request,
                                const google::protobuf::Message& response);

}  // namespace uuro::server

#endif  // SERVICES_CONNECT_CACHE_H_
