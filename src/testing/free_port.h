// A TCP port on the loopback interface that was free a moment ago (bound to port 0, read back,
// closed), for tests that start a listener. Another process may take it in between; tests that
// bind it then fail clearly rather than hang.
#ifndef MAMMOCAD_TESTING_FREE_PORT_H_
#define MAMMOCAD_TESTING_FREE_PORT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mammocad {

inline int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace mammocad

#endif  // MAMMOCAD_TESTING_FREE_PORT_H_
