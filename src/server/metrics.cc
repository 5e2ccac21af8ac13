#include "server/metrics.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <utility>

namespace mammocad {
namespace {

// Seconds: from a cheap request (~1 ms) to a 16-image debug request under load.
constexpr std::array<double, 14> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                             1,     2.5,  5,     10,   30,  60,  120};

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> counts{};  // per bucket, not cumulative
  std::uint64_t count = 0;
  double sum = 0;
};

// A label value as the exposition format wants it: backslash, quote and newline escaped.
std::string LabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

struct Metrics::State {
  mutable std::mutex mutex;
  std::map<std::pair<std::string, int>, std::uint64_t> requests;
  std::map<std::string, Histogram, std::less<>> stages;
  std::map<std::string, std::uint64_t, std::less<>> errors;
};

Metrics::Metrics() : state_(std::make_unique<State>()) {
  for (const char* stage : {"total", "queue", "decode", "detect", "render"})
    state_->stages[stage];  // present from the start, so dashboards see zeros
}
Metrics::~Metrics() = default;

void Metrics::CountRequest(std::string_view route, int http_status) {
  std::lock_guard lock(state_->mutex);
  ++state_->requests[{std::string(route), http_status}];
}

void Metrics::ObserveSeconds(std::string_view stage, double seconds) {
  std::lock_guard lock(state_->mutex);
  auto it = state_->stages.find(stage);
  if (it == state_->stages.end()) it = state_->stages.emplace(std::string(stage), Histogram()).first;
  Histogram& h = it->second;
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  if (bucket < kBuckets.size()) ++h.counts[bucket];
  ++h.count;
  h.sum += seconds;
}

void Metrics::CountError(std::string_view error_name) {
  std::lock_guard lock(state_->mutex);
  auto it = state_->errors.find(error_name);
  if (it == state_->errors.end()) it = state_->errors.emplace(std::string(error_name), 0).first;
  ++it->second;
}

std::string Metrics::Text(const MetricsGauges& gauges) const {
  std::string out;
  std::lock_guard lock(state_->mutex);
  Header(&out, "mammocad_http_requests_total", "counter", "HTTP requests answered.");
  for (const auto& [key, count] : state_->requests) {
    out += "mammocad_http_requests_total{route=\"" + LabelValue(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  Header(&out, "mammocad_stage_seconds", "histogram",
         "Time per request stage: total (headers to reply), queue (waiting for a worker), "
         "decode, detect, render (?debug).");
  for (const auto& [stage, h] : state_->stages) {
    const std::string label = "stage=\"" + LabelValue(stage) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out += "mammocad_stage_seconds_bucket{" + label + ",le=\"" + Number(kBuckets[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "mammocad_stage_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "mammocad_stage_seconds_sum{" + label + "} " + Number(h.sum) + "\n";
    out += "mammocad_stage_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }
  Header(&out, "mammocad_errors_total", "counter", "Error replies by error-table name.");
  for (const auto& [name, count] : state_->errors) {
    out += "mammocad_errors_total{name=\"" + LabelValue(name) + "\"} " + std::to_string(count) +
           "\n";
  }
  auto gauge = [&out](const char* name, const char* help, double value) {
    Header(&out, name, "gauge", help);
    out += std::string(name) + " " + Number(value) + "\n";
  };
  gauge("mammocad_queue_depth", "Requests waiting in the admission queue.", gauges.queue_waiting);
  gauge("mammocad_queue_capacity", "Admission queue size (--max-queue).", gauges.queue_capacity);
  gauge("mammocad_in_flight", "Requests being computed.", gauges.in_flight);
  gauge("mammocad_open_connections", "Open HTTP connections.", gauges.connections);
  gauge("mammocad_ready", "1 when /readyz answers 200.", gauges.ready ? 1 : 0);
  gauge("mammocad_draining", "1 after SIGTERM, while accepted requests finish.",
        gauges.draining ? 1 : 0);
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
        double(gauges.resident_bytes));
  return out;
}

std::int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size_pages = 0, resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  return resident_pages * std::int64_t(sysconf(_SC_PAGESIZE));
}

}  // namespace mammocad
