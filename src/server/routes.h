// The HTTP API as a table of routes on plain structs (server/http_types.h), with no sockets
// and no HTTP library, so every reply can be tested directly. For every registered detection
// task (service/task_registry.h) and /healthz:
//
//   POST /detection/<Task>      legacy  the old service's contract: {"state","result"}, ?debug
//   POST /v2/detection/<Task>   v2      the same work as structured JSON, ?debug
//   POST /v2/images/decode      v2      one upload's decoded pixels (server/pixels_reply.h)
//   GET  /, /<viewer file>      -       the web viewer (server/viewer_assets.h)
//   GET  /healthz               legacy  liveness and version
//   GET  /readyz                legacy  readiness: 200, or 503 overloaded while the
//                                       admission queue is full or the server drains
//   GET  /metrics               -       Prometheus text (server/metrics.h)
//
// Dispatch() also decides 404 (unknown path) and 405 (known path, other method; with an Allow
// header). Errors answer in the path's style: legacy {"state":N,"result":msg}, or the v2 error
// shape under /v2/ (docs/api.md).
//
// Detection replies carry a log note for the access log (HttpReply::log_note): per image its
// spacing source, whether that was guessed, and whether the file was lossy
// (AnalysisLogSummary); after an error only the number of images.
//
// Handlers never throw: one wrapper turns anything thrown into a logged 500 JSON reply.
// Detection runs on at most `compute_threads` requests at once, admitted in arrival order
// (server/compute_gate.h); the others wait in Dispatch(). The ?debug rendering runs under the
// same slot, on a canvas of at most `max_debug_pixels` (larger ones are scaled down; the
// reply's X-Debug-Scale header says by how much), so its memory is bounded like detection's.
//
// Thread-safety: after construction a Routes is only read (the compute gate is thread-safe);
// Dispatch() may run on many threads at once.
#ifndef MAMMOCAD_SERVER_ROUTES_H_
#define MAMMOCAD_SERVER_ROUTES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mammocad/image.h"
#include "server/compute_gate.h"
#include "server/http_types.h"
#include "service/analysis.h"
#include "service/task.h"

namespace mammocad {

// Which shape a path's errors take.
enum class ReplyStyle { kLegacy, kV2 };

// The style of replies to `path`: kV2 under /v2/, else kLegacy. Also for errors found before
// routing (no body, too large, malformed).
ReplyStyle StyleForPath(std::string_view path);

// The JSON error reply for `status` (not OK) in `style`, with the status's HTTP code.
HttpReply ErrorReply(const Status& status, ReplyStyle style);

// The 500 reply for an unexpected exception.
HttpReply InternalErrorReply(ReplyStyle style);

// A body-carrying request (POST, PUT, PATCH) with neither Content-Length nor chunked encoding
// would make the HTTP library read until the client closes (a hang until the read timeout):
// the no_images reply, with Connection: close, to send at once. Only the method, path and
// headers of `request` are read (the body has not been read yet). nullopt: go on.
std::optional<HttpReply> RefuseBodyWithoutLength(const HttpRequest& request);

struct RouteSettings {
  DecodeLimits limits;              // per uploaded file
  int max_images_per_request = 16;
  int compute_threads = 0;          // analyses at once; 0 (or less): one per CPU core
  std::int64_t max_debug_pixels = 16'000'000;  // the ?debug canvas; larger is scaled down
  // A gate shared with another front end of the process (dicom-serve's node), so both keep
  // to one budget of analyses; must outlive the routes. Null: the routes' own gate.
  ComputeGate* shared_gate = nullptr;
};

// What the routes ask of the server around them for /readyz and /metrics. Unset members:
// ready, and an empty metrics page.
struct ServerProbes {
  std::function<bool()> overloaded;           // the admission queue is full
  std::function<bool()> draining;             // shutting down: finishing accepted requests
  std::function<std::string()> metrics_text;  // the Prometheus page
};

// `settings.compute_threads`, with 0 resolved to the number of cores (at least 1).
int ComputeThreads(const RouteSettings& settings);

// Handlers take the request and give the reply; they may throw (Dispatch catches).
using RouteHandler = std::function<HttpReply(const HttpRequest&)>;

struct Route {
  std::string method;  // "GET", "POST"
  std::string path;    // matched exactly
  ReplyStyle style;    // the shape of its errors, including the 500 for an exception
  RouteHandler handler;
};

class Routes {
 public:
  // The routes of every task in `tasks` (in order), /healthz, /readyz and /metrics. The tasks
  // must outlive this; `probes` is called from Dispatch's threads.
  Routes(RouteSettings settings, const std::vector<std::unique_ptr<const DetectionTask>>& tasks,
         ServerProbes probes = {});
  Routes(const Routes&) = delete;  // the handlers point into this object
  Routes& operator=(const Routes&) = delete;

  // The reply to `request`. Never throws.
  HttpReply Dispatch(const HttpRequest& request) const;

  // The table, in order (the API at a glance; also for tests).
  const std::vector<Route>& table() const { return table_; }

 private:
  HttpReply Detect(const Analyzer& analyzer, const HttpRequest& request, ReplyStyle style) const;
  Status CollectUploads(const HttpRequest& request, std::vector<UploadedFile>* files) const;

  HttpReply Ready() const;
  HttpReply DecodeForViewer(const HttpRequest& request) const;
  HttpReply DebugReply(const AnalysisResponse& response, ReplyStyle style) const;

  const RouteSettings settings_;
  const ServerProbes probes_;
  std::vector<std::unique_ptr<const Analyzer>> analyzers_;  // one per task, in task order
  mutable ComputeGate own_gate_;                            // thread-safe
  ComputeGate& compute_gate_;                               // own_gate_ or settings.shared_gate
  std::vector<Route> table_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_ROUTES_H_
