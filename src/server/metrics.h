// The server's Prometheus metrics (text exposition format 0.0.4, served at GET /metrics):
// requests by route and status, latency histograms per stage (total, queue wait, decode,
// detect, debug rendering), errors by error-table name, and the gauges the caller samples at
// scrape time (queue depth, in flight, open connections, readiness, resident memory).
//
// Thread-safety: every member may be called from any number of threads.
#ifndef MAMMOCAD_SERVER_METRICS_H_
#define MAMMOCAD_SERVER_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mammocad {

// Sampled when /metrics is asked for.
struct MetricsGauges {
  int queue_waiting = 0;
  int queue_capacity = 0;
  int in_flight = 0;         // requests being computed
  int connections = 0;       // open HTTP connections
  bool ready = false;
  bool draining = false;
  std::int64_t resident_bytes = 0;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request. `route` must come from a small fixed set (a route path, or
  // "unmatched"): every distinct value is a time series.
  void CountRequest(std::string_view route, int http_status);
  // One observation of `stage` ("total", "queue", "decode", "detect", "render").
  void ObserveSeconds(std::string_view stage, double seconds);
  // One error reply, by its error-table name (ErrorName), e.g. "corrupt_image".
  void CountError(std::string_view error_name);

  // Everything, in the text exposition format.
  std::string Text(const MetricsGauges& gauges) const;

 private:
  struct State;  // the lock and the maps (metrics.cc)
  std::unique_ptr<State> state_;
};

// The process's resident set size in bytes (/proc/self/statm), 0 when unreadable.
std::int64_t ResidentBytes();

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_METRICS_H_
