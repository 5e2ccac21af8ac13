// The one bridge to cpp-httplib (Orthanc style): routing, multipart parsing and replies.
#include "server/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "service/replies.h"
#include "mammocad/render.h"
#include "server/compute_gate.h"
#include "service/analysis.h"

namespace mammocad {
namespace {

constexpr const char* kJson = "application/json";

enum class Method { kGet, kPost, kPut, kDelete, kPatch, kOptions };
constexpr Method kAllMethods[] = {Method::kGet,    Method::kPost,  Method::kPut,
                                  Method::kDelete, Method::kPatch, Method::kOptions};

const char* MethodName(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kDelete: return "DELETE";
    case Method::kPatch: return "PATCH";
    case Method::kOptions: return "OPTIONS";
  }
  return "GET";
}

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

// Which error body a path answers with: the legacy {"state","result"} or the v2 shape.
enum class ReplyStyle { kLegacy, kV2 };

void SendError(httplib::Response& res, const Status& status, ReplyStyle style) {
  res.status = HttpStatus(status.code());
  res.set_content(style == ReplyStyle::kV2 ? V2ErrorReply(status) : LegacyErrorReply(status),
                  kJson);
}

// Errors raised before routing (404, 413, no body) answer in the shape of the path's API.
ReplyStyle StyleFor(const httplib::Request& req) {
  return req.path.rfind("/v2/", 0) == 0 ? ReplyStyle::kV2 : ReplyStyle::kLegacy;
}

bool DebugRequested(const httplib::Request& req) {
  if (!req.has_param("debug")) return false;
  std::string value = req.get_param_value("debug");
  return value != "0" && value != "false" && value != "no";
}

// A form value from the multipart body (parts without a file name), else the query string.
std::optional<std::string> FormValue(const httplib::Request& req, const std::string& name) {
  auto range = req.files.equal_range(name);
  if (range.first != range.second) return range.first->second.content;
  if (req.has_param(name)) return req.get_param_value(name);
  return std::nullopt;
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerConfig c, const std::vector<std::unique_ptr<const DetectionTask>>& tasks)
      : config(std::move(c)), compute_gate(config.compute_threads) {
    for (const auto& task : tasks)
      analyzers.push_back(std::make_unique<const Analyzer>(*task, config.limits));
  }

  ServerConfig config;
  std::vector<std::unique_ptr<const Analyzer>> analyzers;  // one per task
  ComputeGate compute_gate;
  httplib::Server http;
  int bound_port = 0;

  void InstallRoutes();
  void Register(Method method, const std::string& path, Handler handler);
  Handler Guarded(Handler handler, ReplyStyle style);
  void HandleDetection(const Analyzer& analyzer, const httplib::Request& req,
                       httplib::Response& res, ReplyStyle style);
  Status CollectUploads(const httplib::Request& req, std::vector<UploadedFile>* files) const;
};

void HttpServer::Impl::Register(Method method, const std::string& path, Handler handler) {
  switch (method) {
    case Method::kGet: http.Get(path, std::move(handler)); break;
    case Method::kPost: http.Post(path, std::move(handler)); break;
    case Method::kPut: http.Put(path, std::move(handler)); break;
    case Method::kDelete: http.Delete(path, std::move(handler)); break;
    case Method::kPatch: http.Patch(path, std::move(handler)); break;
    case Method::kOptions: http.Options(path, std::move(handler)); break;
  }
}

// Handlers never throw: anything that escapes becomes a logged 500 with a JSON body.
Handler HttpServer::Impl::Guarded(Handler handler, ReplyStyle style) {
  return [handler = std::move(handler), style](const httplib::Request& req,
                                               httplib::Response& res) {
    try {
      handler(req, res);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: unexpected exception: {}", req.method, req.path, e.what());
      SendError(res, Status(ErrorCode::kInternal, "internal error; the request was not processed"),
                style);
    } catch (...) {
      spdlog::error("{} {}: unexpected non-standard exception", req.method, req.path);
      SendError(res, Status(ErrorCode::kInternal, "internal error; the request was not processed"),
                style);
    }
  };
}

void HttpServer::Impl::InstallRoutes() {
  struct Route {
    Method method;
    std::string path;
    ReplyStyle style;
    Handler handler;
  };
  // The API at a glance: each task's legacy and v2 routes, then liveness.
  std::vector<Route> routes;
  for (const auto& analyzer : analyzers) {
    const Analyzer* a = analyzer.get();
    const std::string& name = a->task().name();
    routes.push_back({Method::kPost, "/detection/" + name, ReplyStyle::kLegacy,
                      [this, a](const auto& req, auto& res) {
                        HandleDetection(*a, req, res, ReplyStyle::kLegacy);
                      }});
    routes.push_back({Method::kPost, "/v2/detection/" + name, ReplyStyle::kV2,
                      [this, a](const auto& req, auto& res) {
                        HandleDetection(*a, req, res, ReplyStyle::kV2);
                      }});
  }
  routes.push_back({Method::kGet, "/healthz", ReplyStyle::kLegacy, [](const auto&, auto& res) {
                      res.set_content(R"({"status":"ok","version":")" MAMMOCAD_VERSION R"("})",
                                      kJson);
                    }});

  for (const Route& route : routes) Register(route.method, route.path, Guarded(route.handler, route.style));

  // Every other method on a known path: 405 with an Allow header.
  for (const Route& route : routes) {
    std::string allow;
    for (const Route& other : routes)
      if (other.path == route.path) allow += std::string(allow.empty() ? "" : ", ") + MethodName(other.method);
    for (Method method : kAllMethods) {
      bool taken = false;
      for (const Route& other : routes) taken |= other.path == route.path && other.method == method;
      if (taken) continue;
      Register(method, route.path, [allow, style = route.style, method](const auto&, auto& res) {
        res.set_header("Allow", allow);
        SendError(res,
                  Status(ErrorCode::kMethodNotAllowed,
                         std::string("method ") + MethodName(method) + " is not allowed here; use " + allow),
                  style);
      });
    }
  }

  // Unknown paths (404), bodies over the size limit (413) and httplib's own protocol errors
  // reach here with no body yet: give them the same JSON shape as every other error.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    ReplyStyle style = StyleFor(req);
    int http_status = res.status;
    if (http_status == 404) {
      SendError(res, Status(ErrorCode::kNotFound, "no such path: " + req.path.substr(0, 200)), style);
    } else if (http_status == 413) {
      SendError(res, Status(ErrorCode::kPayloadTooLarge, "the request body is over the size limit"),
                style);
    } else {
      SendError(res, Status(ErrorCode::kBadParameter, "the HTTP request is malformed"), style);
      res.status = http_status;
    }
    return httplib::Server::HandlerResponse::Handled;
  }));

  // A body-carrying request with neither Content-Length nor chunked encoding would make httplib
  // read until the client closes (a hang until the read timeout): refuse it at once.
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    bool carries_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    if (carries_body && !req.has_header("Content-Length") &&
        req.get_header_value("Transfer-Encoding").find("chunked") == std::string::npos) {
      ReplyStyle style = StyleFor(req);
      SendError(res,
                Status(ErrorCode::kNoImages,
                       "the request has no body (no Content-Length): send the images as "
                       "multipart/form-data in the field 'images'"),
                style);
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  http.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                std::exception_ptr) {
    spdlog::error("{} {}: exception outside the handlers", req.method, req.path);
    SendError(res, Status(ErrorCode::kInternal, "internal error; the request was not processed"),
              ReplyStyle::kLegacy);
  });

  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    // Never file names or form values: they may carry patient data.
    spdlog::info("{} {} -> {} ({} bytes in, {} bytes out)", req.method, req.path, res.status,
                 req.get_header_value<std::uint64_t>("Content-Length"), res.body.size());
  });
}

Status HttpServer::Impl::CollectUploads(const httplib::Request& req,
                                        std::vector<UploadedFile>* files) const {
  if (!req.is_multipart_form_data()) {
    return Status(ErrorCode::kNoImages,
                  "send the images as multipart/form-data in the field 'images'");
  }
  auto range = req.files.equal_range("images");
  for (auto it = range.first; it != range.second; ++it) {
    if (int(files->size()) == config.max_images_per_request) {
      return Status(ErrorCode::kPayloadTooLarge,
                    "more than " + std::to_string(config.max_images_per_request) +
                        " images in one request");
    }
    const httplib::MultipartFormData& part = it->second;
    files->push_back({part.filename.empty() ? "image" + std::to_string(files->size() + 1)
                                            : part.filename,
                      part.content});
  }
  if (files->empty()) return NoImagesReceived();
  return Status::Ok();
}

void HttpServer::Impl::HandleDetection(const Analyzer& analyzer, const httplib::Request& req,
                                       httplib::Response& res, ReplyStyle style) {
  std::vector<UploadedFile> files;
  Status status = CollectUploads(req, &files);
  DetectOptions options;
  if (status.ok()) {
    status = analyzer.task().ParseOptions(
        [&req](const std::string& name) { return FormValue(req, name); }, &options);
  }
  AnalysisResponse response;
  if (status.ok()) {
    const ComputeSlot slot(compute_gate);
    status = analyzer.Analyze(files, options, &response);
  }
  if (!status.ok()) {
    SendError(res, status, style);
    return;
  }
  if (DebugRequested(req)) {
    std::vector<cv::Mat> renderings;
    for (const ImageAnalysis& a : response.images)
      renderings.push_back(RenderFindings(a.image, a.detection.findings));
    std::string jpeg = EncodeJpeg(SideBySide(renderings));
    if (jpeg.empty()) {
      SendError(res, Status(ErrorCode::kInternal, "the debug image could not be encoded"), style);
      return;
    }
    res.set_content(std::move(jpeg), "image/jpeg");
    return;
  }
  res.set_content(style == ReplyStyle::kV2 ? V2Reply(response) : LegacyReply(response), kJson);
}

HttpServer::HttpServer(ServerConfig config,
                       const std::vector<std::unique_ptr<const DetectionTask>>& tasks) {
  if (config.compute_threads <= 0)
    config.compute_threads = int(std::max(1u, std::thread::hardware_concurrency()));
  impl_ = std::make_unique<Impl>(std::move(config), tasks);
  const ServerConfig& c = impl_->config;
  impl_->http.new_task_queue = [n = std::max(c.io_threads, c.compute_threads)] {
    return new httplib::ThreadPool(std::size_t(n));
  };
  impl_->http.set_payload_max_length(c.max_request_bytes);
  // Replies go out as header + body writes; with Nagle on, the body waits for the client's
  // delayed ACK (~40 ms on Linux), which was most of a small request's latency.
  impl_->http.set_tcp_nodelay(true);
  impl_->http.set_read_timeout(c.read_timeout_seconds, 0);
  impl_->http.set_write_timeout(c.read_timeout_seconds, 0);
  impl_->InstallRoutes();
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
