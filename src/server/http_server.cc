// The one bridge to cpp-httplib (Orthanc style): httplib parses the request and the multipart
// body; the route table (routes.cc) decides the reply; this file converts between the two and
// keeps the transport's own concerns.
#include "server/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>

namespace mammocad {
namespace {

// Method, path and the headers the routes read; the body is not read yet in pre-routing.
HttpRequest RequestHead(const httplib::Request& req) {
  HttpRequest request;
  request.method = req.method;
  request.path = req.path;
  request.content_type = req.get_header_value("Content-Type");
  request.has_content_length = req.has_header("Content-Length");
  request.transfer_encoding = req.get_header_value("Transfer-Encoding");
  return request;
}

HttpRequest ToHttpRequest(const httplib::Request& req) {
  HttpRequest request = RequestHead(req);
  for (const auto& [name, value] : req.params) request.query.emplace_back(name, value);
  // httplib keeps every multipart part in `files`, by field name in the order sent.
  for (const auto& [field, part] : req.files) {
    if (part.filename.empty()) {
      request.form.emplace_back(field, part.content);
    } else {
      request.uploads.push_back({field, part.filename, part.content_type, part.content});
    }
  }
  return request;
}

// The routes' note (HttpReply::log_note) for the access-log line of the request this thread
// is serving. httplib runs one request's pre-routing, handler and logger on one thread, in
// that order, and gives the logger no per-request slot of ours: the note waits here. Cleared
// in pre-routing, so a request whose logger never ran (the client left) leaves nothing behind
// for the next.
thread_local std::string t_log_note;

void Send(HttpReply reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  // What set_content() does, without its copy of the body (a debug JPEG can be megabytes).
  res.body = std::move(reply.body);
  res.headers.erase("Content-Type");
  res.set_header("Content-Type", reply.content_type);
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerConfig c, const std::vector<std::unique_ptr<const DetectionTask>>& tasks)
      : config(std::move(c)), routes(config.routes, tasks) {}

  const ServerConfig config;
  const Routes routes;
  httplib::Server http;
  int bound_port = 0;

  void InstallHandlers();
};

void HttpServer::Impl::InstallHandlers() {
  // Every request of a method httplib knows goes to the route table, which decides 404 and
  // 405 itself. (HEAD reaches the GET handler.)
  const httplib::Server::Handler dispatch = [this](const httplib::Request& req,
                                                   httplib::Response& res) {
    HttpReply reply = routes.Dispatch(ToHttpRequest(req));
    std::string note = std::move(reply.log_note);
    Send(std::move(reply), res);
    t_log_note = std::move(note);  // only for a reply that was handed over
  };
  const std::string any_path = ".*";
  http.Get(any_path, dispatch);
  http.Post(any_path, dispatch);
  http.Put(any_path, dispatch);
  http.Delete(any_path, dispatch);
  http.Patch(any_path, dispatch);
  http.Options(any_path, dispatch);

  // Bodies over the size limit (413) and httplib's own protocol errors (unknown method,
  // malformed request) reach here with no body yet: give them the same JSON shape as every
  // other error. Replies from the routes already have a body and pass through.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const int http_status = res.status;
    const Status status =
        http_status == 413
            ? Status(ErrorCode::kPayloadTooLarge, "the request body is over the size limit")
            : Status(ErrorCode::kBadParameter, "the HTTP request is malformed");
    Send(ErrorReply(status, StyleForPath(req.path)), res);
    res.status = http_status;  // keep httplib's own code (400, 413, 414, ...)
    return httplib::Server::HandlerResponse::Handled;
  }));

  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    t_log_note.clear();
    if (std::optional<HttpReply> refusal = RefuseBodyWithoutLength(RequestHead(req))) {
      Send(std::move(*refusal), res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // The routes never throw; this catches the conversions around them (e.g. out of memory).
  http.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                std::exception_ptr) {
    spdlog::error("{} {}: exception outside the handlers", req.method, req.path);
    Send(InternalErrorReply(ReplyStyle::kLegacy), res);
  });

  // One line per request. Never file names or form values: they may carry patient data.
  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const std::string note = std::exchange(t_log_note, {});
    spdlog::info("{} {} -> {} ({} bytes in, {} bytes out){}{}", req.method, req.path, res.status,
                 req.get_header_value<std::uint64_t>("Content-Length"), res.body.size(),
                 note.empty() ? "" : " ", note);
  });
}

HttpServer::HttpServer(ServerConfig config,
                       const std::vector<std::unique_ptr<const DetectionTask>>& tasks) {
  impl_ = std::make_unique<Impl>(std::move(config), tasks);
  const ServerConfig& c = impl_->config;
  // Connections waiting for the compute gate hold an I/O thread: never fewer than the gate's
  // slots, or the detector would idle.
  impl_->http.new_task_queue = [n = std::max(c.io_threads, ComputeThreads(c.routes))] {
    return new httplib::ThreadPool(std::size_t(n));
  };
  impl_->http.set_payload_max_length(c.max_request_bytes);
  // Replies go out as header + body writes; with Nagle on, the body waits for the client's
  // delayed ACK (~40 ms on Linux), which was most of a small request's latency.
  impl_->http.set_tcp_nodelay(true);
  impl_->http.set_read_timeout(c.read_timeout_seconds, 0);
  impl_->http.set_write_timeout(c.read_timeout_seconds, 0);
  impl_->InstallHandlers();
}

HttpServer::~HttpServer() = default;

Status HttpServer::Bind() {
  const ServerConfig& c = impl_->config;
  if (c.port == 0) {
    impl_->bound_port = impl_->http.bind_to_any_port(c.host);
    if (impl_->bound_port > 0) return Status::Ok();
  } else if (impl_->http.bind_to_port(c.host, c.port)) {
    impl_->bound_port = c.port;
    return Status::Ok();
  }
  return Status(ErrorCode::kIoError,
                "cannot listen on " + c.host + ":" + std::to_string(c.port) +
                    " (address in use or not available)");
}

void HttpServer::Run() { impl_->http.listen_after_bind(); }

void HttpServer::Stop() { impl_->http.stop(); }

int HttpServer::port() const { return impl_->bound_port; }

}  // namespace mammocad
