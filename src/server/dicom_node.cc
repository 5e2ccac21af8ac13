#include "server/dicom_node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "server/access_log.h"
#include "server/admission_queue.h"
#include "server/metrics.h"
#include "service/cad_report.h"

namespace mammocad {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The metrics' route label of each DICOM service (a small fixed set).
constexpr const char* kStoreRoute = "dicom:C-STORE";
constexpr const char* kEchoRoute = "dicom:C-ECHO";
constexpr const char* kAssociationRoute = "dicom:A-ASSOCIATE";

int Threads(int configured) {
  if (configured > 0) return configured;
  return std::max(1, int(std::thread::hardware_concurrency()));
}

}  // namespace

struct DicomNode::State {
  State(DicomNodeConfig node_config, const DetectionTask& detection_task)
      : config(std::move(node_config)),
        task(detection_task),
        analyzer(task, [this] {
          DecodeLimits limits = config.limits;
          limits.max_bytes = config.listener.max_object_bytes;
          return limits;
        }()),
        metrics(config.metrics ? *config.metrics : own_metrics),
        queue(Threads(config.threads), std::max(1, config.max_queue)),
        listener(
            config.listener, [this](ReceivedObject&& object) { return Receive(std::move(object)); },
            [this](const DicomEvent& event) { Report(event); }) {}

  // On an association's thread: queue the image, or refuse it when the queue is full.
  StoreResponse Receive(ReceivedObject&& received) {
    auto object = std::make_shared<ReceivedObject>(std::move(received));
    const auto queued = Clock::now();
    if (queue.TrySubmit([this, object, queued] { Analyse(*object, queued); })) {
      return StoreResponse::kSuccess;
    }
    Log(*object, Status(ErrorCode::kOverloaded, "queue full"), 0, 0, "queue=full");
    return StoreResponse::kOutOfResources;
  }

  // On a queue worker: analyse, write the report, send it.
  void Analyse(const ReceivedObject& object, Clock::time_point queued) {
    const auto started = Clock::now();
    metrics.ObserveSeconds("queue", SecondsSince(queued));
    AnalysisResponse response;
    DetectOptions options;
    Status status = task.ParseOptions(
        [](const std::string&) -> std::optional<std::string> { return std::nullopt; }, &options);
    if (status.ok()) {
      std::optional<ComputeSlot> slot;  // the HTTP server's budget too, when shared
      if (config.gate != nullptr) slot.emplace(*config.gate);
      status = analyzer.Analyze({UploadedFile{"C-STORE", object.bytes}}, options, &response);
    }
    std::string report;
    if (status.ok()) {
      const ImageAnalysis& image = response.images.front();
      metrics.ObserveSeconds("decode", image.decode_ms / 1000);
      metrics.ObserveSeconds("detect", image.detection.timings.total_ms / 1000);
      status = MakeCadReport(image, object.bytes, task, analyzer.limits(), 1, &report);
    }
    std::string note = status.ok() ? AnalysisLogSummary(response) : "";
    if (status.ok()) {
      note += " findings=" + std::to_string(response.images.front().detection.findings.size());
      status = SendDicomObject(config.destination, config.listener.ae_title, report,
                               config.listener.timeout_seconds);
      note += status.ok() ? " sr=sent" : " sr=failed";
    }
    metrics.ObserveSeconds("total", SecondsSince(queued));
    Log(object, status, report.size(), SecondsSince(started), note);
  }

  void Log(const ReceivedObject& object, const Status& status, std::size_t bytes_out,
           double seconds, const std::string& note) {
    const int http_status = status.ok() ? 200 : HttpStatus(status.code());
    metrics.CountRequest(kStoreRoute, http_status);
    if (!status.ok()) {
      metrics.CountError(ErrorName(status.code()));
      // The message names tags and limits, never patient data (DecodeDicom's contract).
      spdlog::warn("C-STORE from {}: {} ({})", EscapeForLog(object.calling_ae),
                   EscapeForLog(status.message()), ErrorName(status.code()));
    }
    AccessLogEntry entry;
    entry.request_id = NewRequestId();
    entry.client = object.peer_address;
    entry.method = "C-STORE";
    entry.path = "/dicom/" + task.name();
    entry.status = http_status;
    entry.bytes_in = object.bytes.size();
    entry.bytes_out = bytes_out;
    entry.duration_ms = seconds * 1000;
    entry.note = "calling_ae=" + object.calling_ae + (note.empty() ? "" : " " + note);
    if (!status.ok()) entry.note += std::string(" error=") + std::string(ErrorName(status.code()));
    LogAccess(entry);
  }

  // On an association's thread: refusals, echoes and oversized objects, logged and counted.
  void Report(const DicomEvent& event) {
    AccessLogEntry entry;
    entry.request_id = NewRequestId();
    entry.client = event.peer_address;
    entry.path = "/dicom";
    entry.note = "calling_ae=" + event.calling_ae + (event.detail.empty() ? "" : " " + event.detail);
    const char* route = kAssociationRoute;
    switch (event.kind) {
      case DicomEvent::Kind::kAssociationAccepted:
        return;  // every C-ECHO and C-STORE has its own line
      case DicomEvent::Kind::kAssociationRefused:
        entry.method = "A-ASSOCIATE";
        entry.status = HttpStatus(event.detail.starts_with("more than") ? ErrorCode::kOverloaded
                                                                        : ErrorCode::kUnauthorized);
        break;
      case DicomEvent::Kind::kEcho:
        entry.method = "C-ECHO";
        entry.status = 200;
        route = kEchoRoute;
        break;
      case DicomEvent::Kind::kObjectTooLarge:
        entry.method = "C-STORE";
        entry.status = HttpStatus(ErrorCode::kPayloadTooLarge);
        route = kStoreRoute;
        metrics.CountError(ErrorName(ErrorCode::kPayloadTooLarge));
        break;
    }
    metrics.CountRequest(route, entry.status);
    LogAccess(entry);
  }

  DicomNodeConfig config;
  const DetectionTask& task;
  Analyzer analyzer;
  Metrics own_metrics;
  Metrics& metrics;  // own_metrics or config.metrics
  AdmissionQueue queue;  // after what its jobs use, so it drains before they go
  DicomListener listener;
};

DicomNode::DicomNode(DicomNodeConfig config, const DetectionTask& task)
    : state_(std::make_unique<State>(std::move(config), task)) {}

DicomNode::~DicomNode() {
  state_->listener.Stop();
  state_->queue.Drain();
}

Status DicomNode::Bind() { return state_->listener.Bind(); }

Status DicomNode::Run() {
  const Status status = state_->listener.Run();
  state_->queue.Drain();  // every accepted image analysed and its report sent
  return status;
}

void DicomNode::Stop() { state_->listener.Stop(); }

std::string DicomNode::MetricsText() const {
  MetricsGauges gauges;
  gauges.queue_waiting = state_->queue.waiting();
  gauges.queue_capacity = state_->queue.capacity();
  gauges.in_flight = state_->queue.running();
  gauges.ready = true;
  gauges.resident_bytes = ResidentBytes();
  return state_->metrics.Text(gauges);
}

}  // namespace mammocad
