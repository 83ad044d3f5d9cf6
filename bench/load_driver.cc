#include "bench/load_driver.h"

#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "absl/strings/escaping.h"
#include "uuro/v1/ledger.grpc.pb.h"

namespace uuro::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// One Submit over Connect: OK, or why it was refused. The receipt is decoded
// as a browser's client would.
grpc::Status ConnectSubmit(httplib::Client& http, const std::string& envelope,
                           bool json) {
  v1::SubmitRequest request;
  request.set_envelope(envelope);
  std::string body;
  if (json) {
    (void)google::protobuf::util::MessageToJsonString(request, &body);
  } else {
    body = request.SerializeAsString();
  }
  httplib::Result res =
      http.Post("/uuro.v1.Ledger/Submit", {{"Connect-Protocol-Version", "1"}},
                body, json ? "application/json" : "application/proto");
  if (!res) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "no answer");
  if (res->status != 200) {
    return grpc::Status(
        grpc::StatusCode::UNKNOWN,
        "HTTP " + std::to_string(res->status) + " " + res->body);
  }
  v1::Receipt receipt;
  const bool read =
      json ? google::protobuf::util::JsonStringToMessage(res->body, &receipt)
                 .ok()
           : receipt.ParseFromString(res->body);
  return read ? grpc::Status::OK
              : grpc::Status(grpc::StatusCode::INTERNAL, "bad receipt");
}

struct ClientResult {
  uint64_t accepted = 0;
  uint64_t refused = 0;
  std::string first_refusal;
  Clock::time_point last_answer;
  std::vector<double> latency_ms;
  std::vector<SignedAward> unused;
};

void RunClient(const std::shared_ptr<grpc::Channel>& channel,
               std::vector<SignedAward>& awards, const LoadOptions& options,
               double client_rate, Clock::time_point start, ClientResult& out) {
  auto stub = v1::Ledger::NewStub(channel);
  std::unique_ptr<httplib::Client> http;
  if (!options.connect.empty()) {
    http = std::make_unique<httplib::Client>("http://" + options.connect);
    http->set_keep_alive(true);
    // Headers and body go out in separate writes; without this, Nagle's
    // algorithm and the server's delayed ACK add ~40 ms to every call.
    http->set_tcp_nodelay(true);
    http->set_read_timeout(30, 0);
  }
  const size_t per_call = options.batch ? options.batch_size : 1;
  const Clock::time_point stop =
      options.seconds > 0
          ? start + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(options.seconds))
          : Clock::time_point::max();
  out.last_answer = start;
  out.latency_ms.reserve(awards.size());
  auto refuse = [&](const SignedAward& a, const std::string& why) {
    ++out.refused;
    if (out.first_refusal.empty()) out.first_refusal = why;
    out.unused.push_back(a);
  };
  size_t next = 0;
  for (uint64_t call = 0; next < awards.size(); ++call) {
    // Open loop: each call has its time; latency counts from that time, so
    // a slow answer also charges the calls that had to wait behind it.
    Clock::time_point due = Clock::now();
    if (client_rate > 0) {
      due =
          start + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(
                          static_cast<double>(call * per_call) / client_rate));
      std::this_thread::sleep_until(due);
    }
    if (Clock::now() >= stop) break;
    const size_t end = std::min(awards.size(), next + per_call);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    if (!options.batch) {
      v1::SubmitRequest request;
      request.set_envelope(awards[next].envelope);
      v1::Receipt receipt;
      grpc::Status status =
          http ? ConnectSubmit(*http, awards[next].envelope, options.json)
               : stub->Submit(&context, request, &receipt);
      out.last_answer = Clock::now();
      if (status.ok()) {
        ++out.accepted;
        out.latency_ms.push_back(Ms(out.last_answer - due));
      } else {
        refuse(awards[next], status.error_message());
      }
    } else {
      v1::SubmitBatchRequest request;
      for (size_t i = next; i < end; ++i)
        request.add_envelopes(awards[i].envelope);
      v1::SubmitBatchResponse response;
      grpc::Status status = stub->SubmitBatch(&context, request, &response);
      out.last_answer = Clock::now();
      const double ms = Ms(out.last_answer - due);
      for (size_t i = next; i < end; ++i) {
        const size_t k = i - next;
        if (!status.ok()) {
          refuse(awards[i], status.error_message());
        } else if (k >= static_cast<size_t>(response.results_size()) ||
                   response.results(static_cast<int>(k)).code() != 0) {
          refuse(awards[i],
                 k < static_cast<size_t>(response.results_size())
                     ? response.results(static_cast<int>(k)).message()
                     : "no result");
        } else {
          ++out.accepted;
          out.latency_ms.push_back(ms);
        }
      }
    }
    next = end;
  }
  for (; next < awards.size(); ++next) out.unused.push_back(awards[next]);
}

}  // namespace

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(
    const std::string& server, size_t n) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (size_t i = 0; i < n; ++i) {
    grpc::ChannelArguments args;
    // Otherwise channels with equal arguments share one connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(64 << 20);
    channels.push_back(grpc::CreateCustomChannel(
        server, grpc::InsecureChannelCredentials(), args));
  }
  // Connected before any timed phase: a connection made during one would
  // count against it, and one begun while perf attaches (--profile) could
  // fail.
  for (auto& channel : channels) {
    channel->WaitForConnected(std::chrono::system_clock::now() +
                              std::chrono::seconds(10));
  }
  return channels;
}

LoadResult RunLoad(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                   Work work, const LoadOptions& options) {
  std::vector<ClientResult> results(work.size());
  const double client_rate =
      options.rate > 0 ? options.rate / static_cast<double>(work.size()) : 0;
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (size_t c = 0; c < work.size(); ++c) {
    threads.emplace_back([&, c] {
      RunClient(channels[c % channels.size()], work[c], options, client_rate,
                start, results[c]);
    });
  }
  for (auto& t : threads) t.join();
  LoadResult total;
  Clock::time_point last = start;
  for (ClientResult& r : results) {
    total.accepted += r.accepted;
    total.refused += r.refused;
    if (total.first_refusal.empty()) total.first_refusal = r.first_refusal;
    last = std::max(last, r.last_answer);
    total.latency_ms.insert(total.latency_ms.end(), r.latency_ms.begin(),
                            r.latency_ms.end());
    total.unused.insert(total.unused.end(), r.unused.begin(), r.unused.end());
  }
  total.seconds = std::chrono::duration<double>(last - start).count();
  return total;
}

Work SignAwards(BenchFund& fund, size_t clients, size_t count) {
  Work work(clients);
  const size_t residents = fund.residents();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < cores; ++t) {
    threads.emplace_back([&, t] {
      for (size_t c = t; c < clients; c += cores) {
        // Client c's residents, in turn: c, c + clients, c + 2 clients, ...
        const size_t mine = (residents - c + clients - 1) / clients;
        const size_t n = count / clients + (c < count % clients ? 1 : 0);
        work[c].reserve(n);
        for (size_t i = 0; i < n; ++i) {
          work[c].push_back(
              fund.SignAward(static_cast<uint32_t>(c + (i % mine) * clients)));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return work;
}

void GiveBack(BenchFund& fund, const std::vector<SignedAward>& unused) {
  for (const SignedAward& a : unused) fund.Rewind(a.resident, a.nonce);
}

double Quantile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t i =
      static_cast<size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
}

}  // namespace uuro::bench
