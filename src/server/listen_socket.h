// The listening socket of the HTTP server, plain POSIX (http_server.cc hands it to
// libmicrohttpd).
#ifndef MAMMOCAD_SERVER_LISTEN_SOCKET_H_
#define MAMMOCAD_SERVER_LISTEN_SOCKET_H_

#include <string>

#include "mammocad/status.h"

namespace mammocad {

// Binds and listens on host:port without SO_REUSEPORT (so a second server on the port fails
// here instead of silently sharing it), non-blocking for MHD's event loops, with a listen
// backlog of `backlog`. On success `*fd` is the socket (the caller closes it) and
// `*bound_port` the port (useful with port 0). Errors: kIoError with the system's reason.
Status Listen(const std::string& host, int port, int backlog, int* fd, int* bound_port);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_LISTEN_SOCKET_H_
