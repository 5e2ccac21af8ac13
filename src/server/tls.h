// TLS for the HTTP server: the certificate, key and client CA files, read once at start
// (plain code; tls_bridge.h hands them to libmicrohttpd, which uses GnuTLS).
//
//   certificate + key        HTTPS instead of HTTP on the same port
//   + client CA (optional)   every request but the probes must come with a client certificate
//                            that this CA signed (else 401 unauthorized, at the headers)
#ifndef MAMMOCAD_SERVER_TLS_H_
#define MAMMOCAD_SERVER_TLS_H_

#include <string>

#include "mammocad/status.h"

namespace mammocad {

struct TlsFiles {
  std::string cert;       // PEM certificate chain, the server's first; "" = no TLS
  std::string key;        // PEM private key (unencrypted: the service starts unattended)
  std::string client_ca;  // PEM CA certificate(s) for client certificates; "" = none asked
};

// The files' PEM text.
struct TlsCredentials {
  std::string cert_pem, key_pem, client_ca_pem;
  bool enabled() const { return !cert_pem.empty(); }
  bool verifies_clients() const { return !client_ca_pem.empty(); }
};

// Reads `files` into `credentials` (all empty: no TLS, OK). Errors: kBadParameter when only
// one of cert and key is given, a client CA without them, or a file holds no PEM block of the
// expected kind; kIoError when a file cannot be read. Messages name the file, never its
// content.
Status LoadTlsCredentials(const TlsFiles& files, TlsCredentials* credentials);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_TLS_H_
