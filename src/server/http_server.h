// The HTTP server: GNU libmicrohttpd bridged to the route table (server/routes.h, where the
// API and its handlers live). The only file that includes libmicrohttpd is http_server.cc; it
// converts requests and replies and keeps what only the transport knows, with a limit for
// everything a client controls:
//
//   connections     at most max_connections (and max_connections_per_ip), served by
//                   io_threads event-loop threads (epoll): a slow client costs a socket and
//                   a buffer, never a thread; the listen backlog is max_connections
//   header          request line + headers within max_header_bytes, at most
//                   max_header_lines lines: else 431 headers_too_large
//   body            counted as it arrives, chunked or not: over max_request_bytes → 413 at
//                   once (a declared Content-Length over it before any body byte is read);
//                   slower than min_upload_bytes_per_second after upload_grace_seconds, or
//                   longer than request_timeout_seconds → 408; silent for
//                   idle_timeout_seconds → closed; all bodies held at once over
//                   max_buffered_bytes → 503
//   admission       a complete request waits in a queue of max_queue for one of the
//                   compute workers (routes.compute_threads); the queue full → 503
//                   overloaded with Retry-After; the connection is suspended meanwhile
//                   (no thread)
//   shutdown        Stop(): no new connections, every accepted request answered (requests
//                   that start after it get 503), then Run() returns within about
//                   drain_seconds (plus the requests being computed at that moment)
//
//   access          with auth_token_file, a request without a valid bearer token (other
//                   than the probes) → 401 at the headers, before any body byte is read;
//                   with tls.client_ca, the same for one without a trusted client
//                   certificate. With tls.cert and tls.key the port speaks HTTPS only.
//
// Every reply carries X-Request-Id (the client's, when sane, else a new one); one access-log
// line per request (server/access_log.h); counters and histograms at GET /metrics.
//
// Thread-safety: Bind/Run from one controlling thread; Stop may be called from any thread
// (a signal watcher), before or during Run.
#ifndef MAMMOCAD_SERVER_HTTP_SERVER_H_
#define MAMMOCAD_SERVER_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "server/metrics.h"
#include "server/routes.h"
#include "server/tls.h"
#include "service/task.h"

namespace mammocad {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 9001;                       // 0: any free port (see HttpServer::port())
  int io_threads = 2;                    // event-loop threads; each serves many connections
  int max_connections = 256;             // open at once; also the listen backlog
  int max_connections_per_ip = 0;        // 0: no per-address limit
  int max_queue = 32;                    // complete requests waiting for a compute worker
  std::size_t max_request_bytes = 128u << 20;  // whole body, chunked or not
  std::size_t max_buffered_bytes = std::size_t(1) << 30;  // all bodies held at once: else 503
  std::size_t max_header_bytes = 32u << 10;    // request line and headers
  int max_header_lines = 100;
  int idle_timeout_seconds = 30;         // a connection silent this long is closed
  std::size_t min_upload_bytes_per_second = 16u << 10;  // average, after the grace period
  int upload_grace_seconds = 5;
  int request_timeout_seconds = 300;     // headers to the last body byte
  int drain_seconds = 30;                // Stop(): time for accepted requests to finish
  int retry_after_seconds = 2;           // Retry-After of a 503
  RouteSettings routes;  // per-file limits, images per request, analyses at once
  // Access (server/auth.h): a file of bearer tokens, one per line; "" = no authentication.
  // When set, every request but the probes must carry one (else 401 at the headers).
  std::string auth_token_file;
  // TLS (server/tls.h): certificate and key files for HTTPS; a client CA file to require
  // client certificates signed by it (probes exempt, as from the token). None: plain HTTP.
  TlsFiles tls;
  // Counters shared with another front end of the process (dicom-serve's node, so its
  // /metrics shows the DICOM traffic too); must outlive the server. Null: the server's own.
  Metrics* shared_metrics = nullptr;
};

class HttpServer {
 public:
  // Serves the routes of `tasks`, which must outlive the server.
  HttpServer(ServerConfig config, const std::vector<std::unique_ptr<const DetectionTask>>& tasks);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the socket exclusively (no SO_REUSEPORT: a second server on the same port fails)
  // and starts accepting. Errors: kIoError when the address cannot be bound or the HTTP
  // library cannot start, with the system's reason; the token file's errors (unreadable:
  // kIoError; no token: kBadParameter; BearerTokens::Load) and the TLS files' (
  // LoadTlsCredentials; kIoError also when libmicrohttpd has no TLS).
  Status Bind();
  // Serves until Stop(), then drains (see above). Call after a successful Bind().
  void Run();
  void Stop();
  // The bound port (useful with port 0).
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_HTTP_SERVER_H_
