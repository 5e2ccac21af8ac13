// The HTTP edge of mammocad. The only file that includes cpp-httplib is http_server.cc.
//
// Routes (one table in http_server.cc, documented in docs/api.md), for every detection task:
//   POST /detection/<Task>             the old service's contract (state/result, ?debug)
//   POST /v2/detection/<Task>          the same work as structured JSON
//   GET  /healthz                      liveness
// Handlers never throw: one wrapper turns any escaping exception into a logged 500 reply.
// Detection runs on at most `compute_threads` requests at once; connections beyond that wait
// (HTTP I/O has its own, larger pool so slow clients don't starve the detector).
//
// Thread-safety: Start/Run/Stop from one controlling thread; Stop may be called from a signal
// watcher thread.
#ifndef MAMMOCAD_SERVER_HTTP_SERVER_H_
#define MAMMOCAD_SERVER_HTTP_SERVER_H_

#include <memory>
#include <string>

#include <vector>

#include "mammocad/decode.h"
#include "service/task.h"

namespace mammocad {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 9001;                       // 0: any free port (see HttpServer::port())
  int compute_threads = 0;               // 0: one per CPU core
  int io_threads = 32;                   // connections served at once
  DecodeLimits limits;                   // per uploaded file
  std::size_t max_request_bytes = 128u << 20;  // whole multipart body
  int max_images_per_request = 16;
  int read_timeout_seconds = 30;         // a client that stalls mid-upload is dropped
};

class HttpServer {
 public:
  // Serves the routes of `tasks`, which must outlive the server.
  HttpServer(ServerConfig config, const std::vector<std::unique_ptr<const DetectionTask>>& tasks);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the socket. Errors: kIoError when the address cannot be bound.
  Status Bind();
  // Serves until Stop(). Call after Bind().
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
