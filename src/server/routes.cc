#include "server/routes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <thread>

#include "mammocad/render.h"
#include "service/replies.h"

namespace mammocad {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kImagesField = "images";

HttpReply JsonReply(std::string body) {
  HttpReply reply;
  reply.content_type = kJson;
  reply.body = std::move(body);
  return reply;
}

// The first value named `name`, or null.
const std::string* FirstValue(const NameValues& values, std::string_view name) {
  for (const auto& [key, value] : values)
    if (key == name) return &value;
  return nullptr;
}

// A request value: a plain multipart form value, else a part sent as a file under that name
// (as the HTTP library's own lookup did), else the query string.
std::optional<std::string> FormValue(const HttpRequest& request, const std::string& name) {
  if (const std::string* value = FirstValue(request.form, name)) return *value;
  for (const UploadedPart& part : request.uploads)
    if (part.field == name) return part.bytes;
  if (const std::string* value = FirstValue(request.query, name)) return *value;
  return std::nullopt;
}

// `?debug` and `?debug=1` ask for the picture; only the query string is read (docs/api.md).
bool DebugRequested(const HttpRequest& request) {
  const std::string* value = FirstValue(request.query, "debug");
  return value != nullptr && *value != "0" && *value != "false" && *value != "no";
}

// Every image with its findings drawn, side by side in upload order, as one JPEG.
HttpReply DebugReply(const AnalysisResponse& response, ReplyStyle style) {
  std::vector<cv::Mat> renderings;
  for (const ImageAnalysis& a : response.images)
    renderings.push_back(RenderFindings(a.image, a.detection.findings));
  std::string jpeg = EncodeJpeg(SideBySide(renderings));
  if (jpeg.empty()) {
    return ErrorReply(Status(ErrorCode::kInternal, "the debug image could not be encoded"), style);
  }
  HttpReply reply;
  reply.content_type = "image/jpeg";
  reply.body = std::move(jpeg);
  return reply;
}

std::string TaskPath(const std::string& task_name, ReplyStyle style) {
  return (style == ReplyStyle::kV2 ? "/v2/detection/" : "/detection/") + task_name;
}

// The one place where a handler's exception stops: logged (method and path only: names and
// form values may carry patient data), answered as a 500 in the route's style.
HttpReply Guarded(const Route& route, const HttpRequest& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: unexpected exception: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("{} {}: unexpected non-standard exception", request.method, request.path);
  }
  return InternalErrorReply(route.style);
}

}  // namespace

ReplyStyle StyleForPath(std::string_view path) {
  return path.starts_with("/v2/") ? ReplyStyle::kV2 : ReplyStyle::kLegacy;
}

HttpReply ErrorReply(const Status& status, ReplyStyle style) {
  HttpReply reply =
      JsonReply(style == ReplyStyle::kV2 ? V2ErrorReply(status) : LegacyErrorReply(status));
  reply.status = HttpStatus(status.code());
  return reply;
}

HttpReply InternalErrorReply(ReplyStyle style) {
  return ErrorReply(Status(ErrorCode::kInternal, "internal error; the request was not processed"),
                    style);
}

std::optional<HttpReply> RefuseBodyWithoutLength(const HttpRequest& request) {
  const bool carries_body =
      request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if (!carries_body || request.has_content_length ||
      request.transfer_encoding.find("chunked") != std::string::npos) {
    return std::nullopt;
  }
  HttpReply reply = ErrorReply(Status(ErrorCode::kNoImages,
                                      "the request has no body (no Content-Length): send the "
                                      "images as multipart/form-data in the field 'images'"),
                               StyleForPath(request.path));
  reply.headers.emplace_back("Connection", "close");
  return reply;
}

int ComputeThreads(const RouteSettings& settings) {
  if (settings.compute_threads > 0) return settings.compute_threads;
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

Routes::Routes(RouteSettings settings,
               const std::vector<std::unique_ptr<const DetectionTask>>& tasks)
    : settings_(settings), compute_gate_(ComputeThreads(settings)) {
  for (const auto& task : tasks) {
    const Analyzer* analyzer =
        analyzers_.emplace_back(std::make_unique<const Analyzer>(*task, settings_.limits)).get();
    for (ReplyStyle style : {ReplyStyle::kLegacy, ReplyStyle::kV2}) {
      table_.push_back({"POST", TaskPath(task->name(), style), style,
                        [this, analyzer, style](const HttpRequest& request) {
                          return Detect(*analyzer, request, style);
                        }});
    }
  }
  table_.push_back({"GET", "/healthz", ReplyStyle::kLegacy,
                    [](const HttpRequest&) { return JsonReply(HealthReply()); }});
}

HttpReply Routes::Dispatch(const HttpRequest& request) const {
  // HEAD is answered as GET (the HTTP library leaves the body out), as HTTP asks.
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  std::string allow;
  ReplyStyle known_path_style = StyleForPath(request.path);
  for (const Route& route : table_) {
    if (route.path != request.path) continue;
    if (route.method == method) return Guarded(route, request);
    allow += (allow.empty() ? "" : ", ") + route.method;
    known_path_style = route.style;
  }
  if (allow.empty()) {
    return ErrorReply(
        Status(ErrorCode::kNotFound, "no such path: " + request.path.substr(0, 200)),
        known_path_style);
  }
  const std::string message = "method " + method + " is not allowed here; use " + allow;
  HttpReply reply = ErrorReply(Status(ErrorCode::kMethodNotAllowed, message), known_path_style);
  reply.headers.emplace_back("Allow", allow);
  return reply;
}

HttpReply Routes::Detect(const Analyzer& analyzer, const HttpRequest& request,
                         ReplyStyle style) const {
  std::vector<UploadedFile> files;  // views into `request`
  Status status = CollectUploads(request, &files);
  DetectOptions options;
  if (status.ok()) {
    status = analyzer.task().ParseOptions(
        [&request](const std::string& name) { return FormValue(request, name); }, &options);
  }
  AnalysisResponse response;
  if (status.ok()) {
    const ComputeSlot slot(compute_gate_);  // released on every exit, exceptions included
    status = analyzer.Analyze(files, options, &response);
  }
  if (!status.ok()) {
    HttpReply reply = ErrorReply(status, style);
    reply.log_note = "images=" + std::to_string(files.size());
    return reply;
  }
  HttpReply reply = DebugRequested(request) ? DebugReply(response, style)
                    : JsonReply(style == ReplyStyle::kV2 ? V2Reply(response)
                                                         : LegacyReply(response));
  reply.log_note = AnalysisLogSummary(response);
  return reply;
}

Status Routes::CollectUploads(const HttpRequest& request,
                              std::vector<UploadedFile>* files) const {
  if (!request.content_type.starts_with("multipart/form-data")) {
    return Status(ErrorCode::kNoImages,
                  "send the images as multipart/form-data in the field 'images'");
  }
  // A part without a file name is named by its position among the images.
  auto add = [&](const std::string& filename, std::string_view bytes) {
    if (int(files->size()) == settings_.max_images_per_request) {
      return Status(ErrorCode::kPayloadTooLarge,
                    "more than " + std::to_string(settings_.max_images_per_request) +
                        " images in one request");
    }
    files->push_back(
        {filename.empty() ? "image" + std::to_string(files->size() + 1) : filename, bytes});
    return Status::Ok();
  };
  for (const UploadedPart& part : request.uploads) {
    if (part.field != kImagesField) continue;
    if (Status status = add(part.filename, part.bytes); !status.ok()) return status;
  }
  // File content sent without a file name (curl -F 'images=<left.png') is an image too.
  for (const auto& [field, value] : request.form) {
    if (field != kImagesField) continue;
    if (Status status = add("", value); !status.ok()) return status;
  }
  if (files->empty()) return NoImagesReceived();
  return Status::Ok();
}

}  // namespace mammocad
