#include "server/listen_socket.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mammocad {

Status Listen(const std::string& host, int port, int backlog, int* fd, int* bound_port) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int error = getaddrinfo(host.empty() ? nullptr : host.c_str(),
                              std::to_string(port).c_str(), &hints, &found);
      error != 0) {
    return Status(ErrorCode::kIoError, "cannot listen on " + where + ": " + gai_strerror(error));
  }
  std::string reason = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int s = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                         a->ai_protocol);
    if (s < 0) {
      reason = std::strerror(errno);
      continue;
    }
    // SO_REUSEADDR only lets a restart bind over connections in TIME_WAIT; on Linux it never
    // lets two sockets listen on one port (SO_REUSEPORT would, and is not set).
    const int on = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(s, a->ai_addr, a->ai_addrlen) == 0 && listen(s, backlog) == 0) {
      sockaddr_storage bound{};
      socklen_t length = sizeof bound;
      getsockname(s, reinterpret_cast<sockaddr*>(&bound), &length);
      *bound_port = bound.ss_family == AF_INET6
                        ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                        : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
      *fd = s;
      freeaddrinfo(found);
      return Status::Ok();
    }
    reason = std::strerror(errno);
    close(s);
  }
  freeaddrinfo(found);
  return Status(ErrorCode::kIoError, "cannot listen on " + where + ": " + reason);
}

}  // namespace mammocad
