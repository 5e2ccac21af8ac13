// The HTTP server: cpp-httplib bridged to the route table (server/routes.h, where the API and
// its handlers live). The only file that includes cpp-httplib is http_server.cc; it converts
// requests and replies and keeps what only the transport knows: the body size limit (413),
// bodies without a length, timeouts, thread pools and the access log.
// Detection runs on at most `routes.compute_threads` requests at once; connections beyond
// that wait (HTTP I/O has its own, larger pool so slow clients don't starve the detector).
//
// Thread-safety: Bind/Run/Stop from one controlling thread; Stop may be called from a signal
// watcher thread.
#ifndef MAMMOCAD_SERVER_HTTP_SERVER_H_
#define MAMMOCAD_SERVER_HTTP_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "server/routes.h"
#include "service/task.h"

namespace mammocad {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 9001;                       // 0: any free port (see HttpServer::port())
  int io_threads = 32;                   // connections served at once
  std::size_t max_request_bytes = 128u << 20;  // whole multipart body
  int read_timeout_seconds = 30;         // a client that stalls mid-upload is dropped
  RouteSettings routes;  // per-file limits, images per request, analyses at once
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
