// The one bridge to GNU libmicrohttpd (Orthanc style): MHD reads requests on its event-loop
// threads; the route table (routes.cc) decides the reply; this file converts between the two
// and keeps the transport's own concerns (limits, admission, shutdown, request ids, the
// access log and the metrics). Why libmicrohttpd: it has the knobs cpp-httplib 0.11 lacks
// (connection and per-address limits, a header memory limit, suspend/resume, quiesce) and
// serves slow clients without a thread each.
//
// A request's way: headers complete → early refusals (draining, header lines, no length,
// declared length) → body chunks counted against the size, rate and deadline limits →
// complete: cheap routes (GET, HEAD, ...) answered on the event thread; POSTs suspend the
// connection and enter the admission queue; a worker parses the multipart body, dispatches,
// queues the reply and resumes the connection. A 503 for a full queue goes through the
// deliverer thread (the connection is suspended by then, and MHD takes a response for a
// suspended connection from any thread). Refusals decided while MHD reads a body (413, 408,
// 503) are written to the socket directly and the connection closed (RefuseMidBody).
#include "server/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/access_log.h"
#include "server/admission_queue.h"
#include "server/auth.h"
#include "server/listen_socket.h"
#include "server/metrics.h"
#include "server/multipart.h"
#include "server/tls_bridge.h"

namespace mammocad {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One request, from its complete headers to its reply (MHD's per-request pointer).
struct Exchange {
  MHD_Connection* connection = nullptr;
  Clock::time_point started;
  HttpRequest request;  // the head; form values and uploads filled in by the worker
  std::string body;
  std::uint64_t bytes_in = 0;
  std::string request_id, client;
  bool replied = false;    // a reply was queued with MHD
  bool refused = false;    // no reply could be queued: drop the connection at the next call
  std::optional<HttpReply> reply;  // for the deliverer
};

std::string ClientAddress(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "?";
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  const sockaddr* address = info->client_addr;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    port = ntohs(v4->sin_port);
  } else if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    port = ntohs(v6->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

std::string Header(MHD_Connection* connection, const char* name) {
  const char* value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value == nullptr ? "" : value;
}

MHD_Result CollectQuery(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<NameValues*>(cls)->emplace_back(key == nullptr ? "" : key,
                                              value == nullptr ? "" : value);
  return MHD_YES;
}

void LogFromLibrary(void*, const char* format, va_list args) {
  char text[512];
  std::vsnprintf(text, sizeof text, format, args);
  spdlog::debug("libmicrohttpd: {}", EscapeForLog(text));
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerConfig c, const std::vector<std::unique_ptr<const DetectionTask>>& tasks);

  const ServerConfig config;
  Metrics own_metrics;
  Metrics& metrics;  // own_metrics, or config.shared_metrics
  AdmissionQueue queue;
  const Routes routes;
  BearerTokens tokens;  // loaded by Bind(); none: no authentication
  TlsCredentials tls;   // loaded by Bind(); MHD points into it while the daemon runs
  std::set<std::string, std::less<>> route_paths;  // the metrics' route labels

  MHD_Daemon* daemon = nullptr;
  int listen_fd = -1;
  int bound_port = 0;
  std::atomic<int> open_requests{0};     // headers received, reply not yet sent
  std::atomic<int> open_connections{0};
  std::atomic<std::size_t> buffered_bytes{0};  // bodies held, all requests
  std::atomic<bool> draining{false};
  std::atomic<bool> past_drain_deadline{false};

  std::mutex stop_mutex;
  std::condition_variable stop_requested_changed;
  bool stop_requested = false;

  // The deliverer: replies for suspended connections decided on MHD's threads.
  std::mutex deliver_mutex;
  std::condition_variable deliver_changed;
  std::deque<Exchange*> to_deliver;
  bool deliverer_stop = false;
  std::thread deliverer;

  MHD_Result Access(MHD_Connection* connection, const char* url, const char* method,
                    const char* upload_data, std::size_t* upload_size, void** request_slot);
  std::optional<HttpReply> EarlyRefusal(const Exchange& exchange) const;
  void Compute(Exchange* exchange, Clock::time_point queued);
  void Queue(Exchange* exchange, HttpReply reply);
  void ReplyLater(Exchange* exchange, HttpReply reply);
  MHD_Result RefuseMidBody(Exchange* exchange, HttpReply reply);
  void Account(const Exchange& exchange, const HttpReply& reply);
  void DeliverLoop();
  void Completed(Exchange* exchange, MHD_RequestTerminationCode why);
  HttpReply Refusal(ErrorCode code, const std::string& message, const Exchange& exchange) const;
  HttpReply Overloaded(const Exchange& exchange) const;
};

HttpServer::Impl::Impl(ServerConfig c,
                       const std::vector<std::unique_ptr<const DetectionTask>>& tasks)
    : config(std::move(c)),
      metrics(config.shared_metrics ? *config.shared_metrics : own_metrics),
      queue(ComputeThreads(config.routes), config.max_queue),
      routes(config.routes, tasks,
             ServerProbes{[this] { return queue.full(); }, [this] { return draining.load(); },
                          [this] {
                            MetricsGauges gauges;
                            gauges.queue_waiting = queue.waiting();
                            gauges.queue_capacity = queue.capacity();
                            gauges.in_flight = queue.running();
                            gauges.connections = open_connections.load();
                            gauges.draining = draining.load();
                            gauges.ready = !gauges.draining && !queue.full();
                            gauges.resident_bytes = ResidentBytes();
                            return metrics.Text(gauges);
                          }}) {
  for (const Route& route : routes.table()) route_paths.insert(route.path);
  deliverer = std::thread([this] { DeliverLoop(); });
}

HttpReply HttpServer::Impl::Refusal(ErrorCode code, const std::string& message,
                                    const Exchange& exchange) const {
  HttpReply reply = ErrorReply(Status(code, message), StyleForPath(exchange.request.path));
  if (code == ErrorCode::kOverloaded) {
    reply.headers.emplace_back("Retry-After", std::to_string(config.retry_after_seconds));
  }
  return reply;
}

HttpReply HttpServer::Impl::Overloaded(const Exchange& exchange) const {
  return Refusal(ErrorCode::kOverloaded,
                 "the server is busy: " + std::to_string(queue.capacity()) +
                     " requests already wait; retry later",
                 exchange);
}

// What can be answered from the headers alone, before any body byte is read.
std::optional<HttpReply> HttpServer::Impl::EarlyRefusal(const Exchange& exchange) const {
  if (draining) {
    return Refusal(ErrorCode::kOverloaded, "the server is shutting down", exchange);
  }
  const int lines = MHD_get_connection_values(exchange.connection, MHD_HEADER_KIND, nullptr,
                                              nullptr);
  if (lines > config.max_header_lines) {
    return Refusal(ErrorCode::kHeadersTooLarge,
                   "more than " + std::to_string(config.max_header_lines) + " header lines",
                   exchange);
  }
  if (std::optional<HttpReply> refusal = RefuseUnauthenticated(
          tokens, exchange.request, Header(exchange.connection, MHD_HTTP_HEADER_AUTHORIZATION))) {
    return refusal;
  }
  if (auto refusal = RefuseUntrustedClient(tls, exchange.connection, exchange.request)) {
    return refusal;
  }
  if (std::optional<HttpReply> refusal = RefuseBodyWithoutLength(exchange.request)) {
    return refusal;
  }
  // A detection request that would find the queue full is refused before its body is read:
  // under overload, reading megabytes only to answer 503 would cost the workers' CPU.
  if (exchange.request.method == "POST" && queue.full()) return Overloaded(exchange);
  const std::string length = Header(exchange.connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (!length.empty()) {
    // MHD refuses a malformed Content-Length itself; this reads the number it accepted.
    unsigned long long declared = 0;
    if (std::sscanf(length.c_str(), "%llu", &declared) == 1 &&
        declared > config.max_request_bytes) {
      return Refusal(ErrorCode::kPayloadTooLarge,
                     "the request body (" + std::to_string(declared) + " bytes) is over the " +
                         std::to_string(config.max_request_bytes >> 20) + " MiB limit",
                     exchange);
    }
  }
  return std::nullopt;
}

MHD_Result HttpServer::Impl::Access(MHD_Connection* connection, const char* url,
                                    const char* method, const char* upload_data,
                                    std::size_t* upload_size, void** request_slot) {
  auto* exchange = static_cast<Exchange*>(*request_slot);
  if (exchange == nullptr) {  // the headers are complete
    exchange = new Exchange;
    *request_slot = exchange;
    ++open_requests;
    exchange->connection = connection;
    exchange->started = Clock::now();
    exchange->client = ClientAddress(connection);
    exchange->request_id = SaneRequestId(Header(connection, "X-Request-Id"));
    if (exchange->request_id.empty()) exchange->request_id = NewRequestId();
    HttpRequest& request = exchange->request;
    request.method = method;
    request.path = url;
    request.content_type = Header(connection, MHD_HTTP_HEADER_CONTENT_TYPE);
    request.has_content_length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_CONTENT_LENGTH) != nullptr;
    request.transfer_encoding = Header(connection, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &CollectQuery, &request.query);
    if (std::optional<HttpReply> refusal = EarlyRefusal(*exchange)) {
      Queue(exchange, std::move(*refusal));  // MHD then reads no body and closes
    }
    return MHD_YES;
  }
  if (exchange->refused) return MHD_NO;  // the reply could not be queued: drop the client
  if (*upload_size > 0) {
    const std::size_t size = *upload_size;
    *upload_size = 0;
    exchange->bytes_in += size;
    const double elapsed = SecondsSince(exchange->started);
    std::optional<HttpReply> refusal;
    if (exchange->bytes_in > config.max_request_bytes) {
      refusal = Refusal(ErrorCode::kPayloadTooLarge,
                        "the request body is over the " +
                            std::to_string(config.max_request_bytes >> 20) + " MiB limit",
                        *exchange);
    } else if (elapsed > config.request_timeout_seconds) {
      refusal = Refusal(ErrorCode::kRequestTimeout,
                        "the request took over " +
                            std::to_string(config.request_timeout_seconds) + " s",
                        *exchange);
    } else if (elapsed > config.upload_grace_seconds &&
               double(exchange->bytes_in) / elapsed < double(config.min_upload_bytes_per_second)) {
      refusal = Refusal(ErrorCode::kRequestTimeout,
                        "the body arrives slower than " +
                            std::to_string(config.min_upload_bytes_per_second >> 10) + " KiB/s",
                        *exchange);
    } else if (buffered_bytes + size > config.max_buffered_bytes) {
      refusal = Refusal(ErrorCode::kOverloaded, "the server holds too many uploads", *exchange);
    }
    if (refusal) return RefuseMidBody(exchange, std::move(*refusal));
    exchange->body.append(upload_data, size);
    buffered_bytes += size;
    return MHD_YES;
  }
  // The request is complete.
  const std::string& verb = exchange->request.method;
  if (verb == "GET" || verb == "HEAD" || verb == "OPTIONS" || verb == "DELETE") {
    Queue(exchange, routes.Dispatch(exchange->request));  // cheap: no body, no detection
    return MHD_YES;
  }
  MHD_suspend_connection(connection);
  const Clock::time_point queued = Clock::now();
  if (!queue.TrySubmit([this, exchange, queued] { Compute(exchange, queued); })) {
    ReplyLater(exchange, Overloaded(*exchange));
  }
  return MHD_YES;
}

// On a compute worker, the connection suspended.
void HttpServer::Impl::Compute(Exchange* exchange, Clock::time_point queued) {
  metrics.ObserveSeconds("queue", SecondsSince(queued));
  HttpRequest& request = exchange->request;
  HttpReply reply;
  if (past_drain_deadline) {
    reply = Refusal(ErrorCode::kOverloaded, "the server is shutting down", *exchange);
  } else if (SecondsSince(exchange->started) > config.request_timeout_seconds) {
    // The deadline holds in the queue too: a client that waited this long has likely gone.
    reply = Refusal(ErrorCode::kRequestTimeout,
                    "the request waited over " + std::to_string(config.request_timeout_seconds) +
                        " s for a compute thread",
                    *exchange);
  } else {
    Status parsed = Status::Ok();
    if (!MultipartBoundary(request.content_type).empty() ||
        request.content_type.starts_with("multipart/form-data")) {
      parsed = ParseMultipartFormData(request.content_type, exchange->body, MultipartLimits(),
                                      &request.form, &request.uploads);
    }
    buffered_bytes -= exchange->body.size();
    std::string().swap(exchange->body);  // the parts hold copies now
    reply = parsed.ok() ? routes.Dispatch(request)
                        : ErrorReply(parsed, StyleForPath(request.path));
    request.uploads.clear();
    request.form.clear();
  }
  Queue(exchange, std::move(reply));
  MHD_resume_connection(exchange->connection);
}

// The access line and the metrics of one reply.
void HttpServer::Impl::Account(const Exchange& exchange, const HttpReply& reply) {
  for (const auto& [stage, seconds] : reply.stage_seconds) metrics.ObserveSeconds(stage, seconds);
  const double seconds = SecondsSince(exchange.started);
  metrics.ObserveSeconds("total", seconds);
  metrics.CountRequest(
      route_paths.count(exchange.request.path) ? exchange.request.path : "unmatched",
      reply.status);
  if (!reply.error_name.empty()) metrics.CountError(reply.error_name);
  LogAccess({exchange.request_id, exchange.client, exchange.request.method, exchange.request.path,
             reply.status, exchange.bytes_in, reply.body.size(), seconds * 1000,
             reply.log_note});
}

// Hands `reply` to MHD (on its thread in the handler, or from any thread for a suspended
// connection) with X-Request-Id, and accounts for it.
void HttpServer::Impl::Queue(Exchange* exchange, HttpReply reply) {
  if (exchange->replied) return;
  exchange->replied = true;
  Account(*exchange, reply);

  auto* body = new std::string(std::move(reply.body));
  MHD_Response* response = MHD_create_response_from_buffer_with_free_callback_cls(
      body->size(), body->data(), [](void* owned) { delete static_cast<std::string*>(owned); },
      body);
  if (response == nullptr) {  // out of memory in MHD: the client sees the connection close
    delete body;
    exchange->refused = true;
    return;
  }
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
  bool closes = false;
  for (const auto& [name, value] : reply.headers) {
    closes = closes || strcasecmp(name.c_str(), "Connection") == 0;
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  MHD_add_response_header(response, "X-Request-Id", exchange->request_id.c_str());
  if (draining && !closes) MHD_add_response_header(response, "Connection", "close");
  if (MHD_queue_response(exchange->connection, unsigned(reply.status), response) != MHD_YES) {
    exchange->refused = true;  // the next callback drops the connection
  }
  MHD_destroy_response(response);
}

void HttpServer::Impl::ReplyLater(Exchange* exchange, HttpReply reply) {
  exchange->reply = std::move(reply);
  {
    std::lock_guard lock(deliver_mutex);
    to_deliver.push_back(exchange);
  }
  deliver_changed.notify_one();
}

// MHD sends no response queued while it reads a body (0.9.75 closes the connection
// instead), so over plain HTTP a refusal decided there (413, 408, 503) is written to the
// socket here, before MHD closes it: a few hundred bytes into an idle socket's send buffer,
// which MHD is not using (it is reading this request; the previous reply on the connection
// was sent in full).
MHD_Result HttpServer::Impl::RefuseMidBody(Exchange* exchange, HttpReply reply) {
  exchange->replied = true;
  exchange->refused = true;
  Account(*exchange, reply);
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(exchange->connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  // Under TLS the socket carries records, not text: the client sees the connection close.
  if (info == nullptr || tls.enabled()) return MHD_NO;
  const char* reason = MHD_get_reason_phrase_for(unsigned(reply.status));
  std::string bytes = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason +
                      "\r\nContent-Type: " + reply.content_type +
                      "\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\n";
  for (const auto& [name, value] : reply.headers) bytes += name + ": " + value + "\r\n";
  bytes += "X-Request-Id: " + exchange->request_id + "\r\nConnection: close\r\n\r\n" + reply.body;
  // Best effort: a client that does not read gets the connection closed all the same.
  (void)send(info->connect_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  shutdown(info->connect_fd, SHUT_WR);
  return MHD_NO;  // MHD closes the connection and reads nothing more
}

void HttpServer::Impl::DeliverLoop() {
  std::unique_lock lock(deliver_mutex);
  for (;;) {
    deliver_changed.wait(lock, [this] { return deliverer_stop || !to_deliver.empty(); });
    if (to_deliver.empty()) return;
    Exchange* exchange = to_deliver.front();
    to_deliver.pop_front();
    lock.unlock();
    Queue(exchange, std::move(*exchange->reply));
    exchange->reply.reset();
    MHD_resume_connection(exchange->connection);
    lock.lock();
  }
}

void HttpServer::Impl::Completed(Exchange* exchange, MHD_RequestTerminationCode why) {
  if (exchange == nullptr) return;
  if (!exchange->replied) {  // the client left, went silent, or MHD refused the request
    const char* what = why == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "idle timeout"
                       : why == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? "server stopped"
                                                                        : "connection closed";
    spdlog::info("{} {} -> no reply ({}, {} bytes in) client={} id={}",
                 EscapeForLog(exchange->request.method, 32), EscapeForLog(exchange->request.path),
                 what, exchange->bytes_in, EscapeForLog(exchange->client, 64),
                 exchange->request_id);
  }
  buffered_bytes -= exchange->body.size();
  delete exchange;
  --open_requests;
}

HttpServer::HttpServer(ServerConfig config,
                       const std::vector<std::unique_ptr<const DetectionTask>>& tasks)
    : impl_(std::make_unique<Impl>(std::move(config), tasks)) {}

HttpServer::~HttpServer() {
  if (impl_->daemon != nullptr) {
    Stop();
    Run();
  }
  {
    std::lock_guard lock(impl_->deliver_mutex);
    impl_->deliverer_stop = true;
  }
  impl_->deliver_changed.notify_all();
  if (impl_->deliverer.joinable()) impl_->deliverer.join();
  if (impl_->listen_fd >= 0) close(impl_->listen_fd);
}

Status HttpServer::Bind() {
  Impl& s = *impl_;
  const ServerConfig& c = s.config;
  // Access first: a server that cannot apply what its configuration asks does not start.
  Status usable = c.auth_token_file.empty() ? Status::Ok()
                                            : BearerTokens::Load(c.auth_token_file, &s.tokens);
  if (usable.ok()) usable = LoadTlsCredentials(c.tls, &s.tls);
  unsigned tls_flags = 0;
  std::vector<MHD_OptionItem> tls_options;
  if (usable.ok() && s.tls.enabled()) usable = AddTlsOptions(s.tls, &tls_flags, &tls_options);
  if (!usable.ok()) return usable;
  if (Status status = Listen(c.host, c.port, c.max_connections, &s.listen_fd, &s.bound_port);
      !status.ok()) {
    return status;
  }
  auto access = [](void* cls, MHD_Connection* connection, const char* url, const char* method,
                   const char*, const char* upload_data, std::size_t* upload_size,
                   void** request_slot) {
    return static_cast<Impl*>(cls)->Access(connection, url, method, upload_data, upload_size,
                                           request_slot);
  };
  auto completed = [](void* cls, MHD_Connection*, void** request_slot,
                      MHD_RequestTerminationCode why) {
    static_cast<Impl*>(cls)->Completed(static_cast<Exchange*>(*request_slot), why);
    *request_slot = nullptr;
  };
  auto connection_event = [](void* cls, MHD_Connection*, void**,
                             MHD_ConnectionNotificationCode what) {
    auto& count = static_cast<Impl*>(cls)->open_connections;
    if (what == MHD_CONNECTION_NOTIFY_STARTED) ++count;
    else --count;
  };
  using Completed = void (*)(void*, MHD_Connection*, void**, MHD_RequestTerminationCode);
  using ConnectionEvent = void (*)(void*, MHD_Connection*, void**, MHD_ConnectionNotificationCode);
  using Logger = void (*)(void*, const char*, va_list);
  const unsigned flags = tls_flags | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                         MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  std::vector<MHD_OptionItem> options = {
      {MHD_OPTION_LISTEN_SOCKET, s.listen_fd, nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, c.max_connections, nullptr},
      {MHD_OPTION_PER_IP_CONNECTION_LIMIT, std::max(0, c.max_connections_per_ip), nullptr},
      // MHD keeps the request line and headers in this per-connection pool; beyond it MHD
      // answers 431 itself and reads no more.
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, intptr_t(c.max_header_bytes), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, std::max(1, c.idle_timeout_seconds), nullptr},
      {MHD_OPTION_NOTIFY_COMPLETED, intptr_t(Completed(completed)), &s},
      {MHD_OPTION_NOTIFY_CONNECTION, intptr_t(ConnectionEvent(connection_event)), &s},
      {MHD_OPTION_EXTERNAL_LOGGER, intptr_t(Logger(&LogFromLibrary)), nullptr},
  };
  if (c.io_threads > 1) options.push_back({MHD_OPTION_THREAD_POOL_SIZE, c.io_threads, nullptr});
  options.insert(options.end(), tls_options.begin(), tls_options.end());
  options.push_back({MHD_OPTION_END, 0, nullptr});
  s.daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, access, &s, MHD_OPTION_ARRAY,
                              options.data(), MHD_OPTION_END);
  if (s.daemon == nullptr) {
    close(s.listen_fd);
    s.listen_fd = -1;
    return Status(ErrorCode::kIoError, "cannot start the HTTP server on " + c.host + ":" +
                                           std::to_string(s.bound_port));
  }
  return Status::Ok();
}

void HttpServer::Run() {
  Impl& s = *impl_;
  if (s.daemon == nullptr) return;
  {
    std::unique_lock lock(s.stop_mutex);
    s.stop_requested_changed.wait(lock, [&s] { return s.stop_requested; });
  }
  // Drain: no new connections; requests already received run; new ones on open
  // connections get 503 with Connection: close.
  s.draining = true;
  MHD_quiesce_daemon(s.daemon);
  const Clock::time_point drain_start = Clock::now();
  while (s.open_requests > 0 && SecondsSince(drain_start) < s.config.drain_seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  s.past_drain_deadline = true;  // requests still queued are answered 503 at once
  s.queue.Drain();
  // The last replies were queued with MHD: give them a moment to be sent.
  const Clock::time_point flush_start = Clock::now();
  while (s.open_requests > 0 && SecondsSince(flush_start) < 2) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (s.open_requests > 0) {
    spdlog::warn("{} requests still open after the {} s drain: closing them", s.open_requests.load(),
                 s.config.drain_seconds);
  }
  {
    std::unique_lock lock(s.deliver_mutex);  // nothing left for a connection MHD will close
    s.deliverer_stop = true;
  }
  s.deliver_changed.notify_all();
  if (s.deliverer.joinable()) s.deliverer.join();
  MHD_stop_daemon(s.daemon);
  s.daemon = nullptr;
}

void HttpServer::Stop() {
  {
    std::lock_guard lock(impl_->stop_mutex);
    impl_->stop_requested = true;
  }
  impl_->stop_requested_changed.notify_all();
}

int HttpServer::port() const { return impl_->bound_port; }

}  // namespace mammocad
