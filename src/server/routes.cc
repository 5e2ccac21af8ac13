#include "server/routes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "mammocad/decode.h"
#include "mammocad/render.h"
#include "server/pixels_reply.h"
#include "server/viewer_assets.h"
#include "service/cad_report.h"
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

// `?debug`, `?debug=1` or a form value `debug=1` ask for the picture (docs/api.md).
bool DebugRequested(const HttpRequest& request) {
  const std::optional<std::string> value = FormValue(request, "debug");
  return value && *value != "0" && *value != "false" && *value != "no";
}

// "left.dcm  L CC": what a panel of the debug picture is called.
std::string PanelCaption(const ImageAnalysis& analysis) {
  std::string caption = analysis.name;
  for (const std::string* part : {&analysis.image.laterality, &analysis.image.view})
    if (!part->empty()) caption += "  " + *part;
  return caption;
}

// v2's `format`: "json" (the default) or "sr", the Mammography CAD SR of one DICOM image
// (docs/api.md). Errors: kBadParameter for another value.
Status ReadReplyFormat(const HttpRequest& request, bool* sr) {
  const std::optional<std::string> format = FormValue(request, "format");
  *sr = format && *format == "sr";
  if (!format || format->empty() || *format == "json" || *sr) return Status::Ok();
  return Status(ErrorCode::kBadParameter, "format must be json or sr");
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
  reply.error_name = std::string(ErrorName(status.code()));
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
               const std::vector<std::unique_ptr<const DetectionTask>>& tasks,
               ServerProbes probes)
    : settings_(settings), probes_(std::move(probes)), own_gate_(ComputeThreads(settings)),
      compute_gate_(settings.shared_gate ? *settings.shared_gate : own_gate_) {
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
  table_.push_back({"POST", "/v2/images/decode", ReplyStyle::kV2,
                    [this](const HttpRequest& request) { return DecodeForViewer(request); }});
  for (const ViewerAsset& asset : ViewerAssets()) {
    table_.push_back({"GET", std::string(asset.path), ReplyStyle::kLegacy,
                      [&asset](const HttpRequest&) { return ViewerAssetReply(asset); }});
  }
  table_.push_back({"GET", "/healthz", ReplyStyle::kLegacy,
                    [](const HttpRequest&) { return JsonReply(HealthReply()); }});
  table_.push_back({"GET", "/readyz", ReplyStyle::kLegacy,
                    [this](const HttpRequest&) { return Ready(); }});
  table_.push_back({"GET", "/metrics", ReplyStyle::kLegacy, [this](const HttpRequest&) {
                      HttpReply reply;
                      reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
                      if (probes_.metrics_text) reply.body = probes_.metrics_text();
                      return reply;
                    }});
}

HttpReply Routes::Ready() const {
  // The tasks (and their models) are made before the routes: a Routes that exists has them.
  const char* why = nullptr;
  if (probes_.draining && probes_.draining()) why = "the server is shutting down";
  else if (probes_.overloaded && probes_.overloaded()) why = "the admission queue is full";
  if (why == nullptr) return JsonReply("{\"status\":\"ready\"}");
  return ErrorReply(Status(ErrorCode::kOverloaded, std::string("not ready: ") + why),
                    ReplyStyle::kLegacy);
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
  bool sr = false;
  if (status.ok() && style == ReplyStyle::kV2) status = ReadReplyFormat(request, &sr);
  if (status.ok() && sr && files.size() > 1) {
    status = Status(ErrorCode::kBadParameter, "format=sr answers one image per request, not " +
                                                  std::to_string(files.size()));
  }
  DetectOptions options;
  if (status.ok()) {
    status = analyzer.task().ParseOptions(
        [&request](const std::string& name) { return FormValue(request, name); }, &options);
  }
  AnalysisResponse response;
  std::optional<HttpReply> debug_reply;
  if (status.ok()) {
    const ComputeSlot slot(compute_gate_);  // released on every exit, exceptions included
    status = analyzer.Analyze(files, options, &response);
    // The picture is drawn under the same slot: a rendering is three bytes per pixel of
    // each image, as large as the detection's own buffers.
    if (status.ok() && DebugRequested(request)) debug_reply = DebugReply(response, style);
  }
  std::string report;
  if (status.ok() && sr && !debug_reply) {
    status = MakeCadReport(response.images.front(), files.front().bytes, analyzer.task(),
                           analyzer.limits(), 1, &report);
  }
  if (!status.ok()) {
    HttpReply reply = ErrorReply(status, style);
    reply.log_note = "images=" + std::to_string(files.size());
    return reply;
  }
  HttpReply reply = debug_reply ? std::move(*debug_reply)
                    : JsonReply(style == ReplyStyle::kV2 ? V2Reply(response)
                                                         : LegacyReply(response));
  if (!report.empty()) {
    reply.content_type = kDicomMediaType;
    reply.body = std::move(report);
  }
  double decode_ms = 0, detect_ms = 0;
  for (const ImageAnalysis& image : response.images) {
    decode_ms += image.decode_ms;
    detect_ms += image.detection.timings.total_ms;
  }
  reply.stage_seconds.emplace_back("decode", decode_ms / 1000);
  reply.stage_seconds.emplace_back("detect", detect_ms / 1000);
  reply.log_note = AnalysisLogSummary(response);
  return reply;
}

// Every image with its findings drawn, side by side in upload order, as one JPEG. A canvas
// over max_debug_pixels is scaled down by one factor for all images (each rendering right
// after it is drawn, so only one full-size rendering exists at a time).
HttpReply Routes::DebugReply(const AnalysisResponse& response, ReplyStyle style) const {
  const auto started = std::chrono::steady_clock::now();
  double canvas_width = 0, canvas_height = 0;
  for (const ImageAnalysis& a : response.images) {
    canvas_width += a.image.pixels.cols;
    canvas_height = std::max(canvas_height, double(a.image.pixels.rows));
  }
  const double canvas_pixels = canvas_width * canvas_height;
  const double budget = double(std::max<std::int64_t>(1, settings_.max_debug_pixels));
  const double scale = canvas_pixels > budget ? std::sqrt(budget / canvas_pixels) : 1.0;
  std::vector<Panel> panels;
  for (const ImageAnalysis& a : response.images) {
    cv::Mat drawn = RenderFindings(a.image, a.detection.findings);
    if (scale < 1) {
      cv::Mat smaller;
      cv::resize(drawn, smaller, cv::Size(), scale, scale, cv::INTER_AREA);
      drawn = smaller;
    }
    // One image keeps the picture old clients know (no caption); several are labelled.
    panels.push_back({std::move(drawn), response.images.size() > 1 ? PanelCaption(a) : ""});
  }
  std::string jpeg = EncodeJpeg(LabelledPanels(panels));
  if (jpeg.empty()) {
    return ErrorReply(Status(ErrorCode::kInternal, "the debug image could not be encoded"), style);
  }
  HttpReply reply;
  reply.content_type = "image/jpeg";
  reply.body = std::move(jpeg);
  if (scale < 1) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", scale);
    reply.headers.emplace_back("X-Debug-Scale", text);
  }
  reply.stage_seconds.emplace_back(
      "render", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return reply;
}

// One upload decoded as the detector would decode it (same limits, same errors), under a
// compute slot: a DICOM can take as long to decode as a small image to analyse.
HttpReply Routes::DecodeForViewer(const HttpRequest& request) const {
  std::vector<UploadedFile> files;
  Status status = CollectUploads(request, &files);
  if (status.ok() && files.size() != 1) {
    status = Status(ErrorCode::kBadParameter,
                    "send exactly one image to /v2/images/decode, got " +
                        std::to_string(files.size()));
  }
  Image image;
  double decode_seconds = 0;
  if (status.ok()) {
    const ComputeSlot slot(compute_gate_);
    const auto started = std::chrono::steady_clock::now();
    status = DecodeImage(files[0].bytes, settings_.limits, &image);
    decode_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!status.ok()) {
      status = Status(status.code(), "image 1 ('" + files[0].name.substr(0, 100) +
                                         "'): " + status.message());
    }
  }
  if (!status.ok()) return ErrorReply(status, ReplyStyle::kV2);
  HttpReply reply = DecodedPixelsReply(image);
  reply.log_note = "format=" + image.format;
  reply.stage_seconds.emplace_back("decode", decode_seconds);
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
