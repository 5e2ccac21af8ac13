// The TLS half of the libmicrohttpd bridge (http_server.cc is the other): libmicrohttpd's TLS
// options, and the client-certificate check through its GnuTLS session. With
// http_server.cc, the only file that includes microhttpd.h, and the only one that includes
// GnuTLS (scripts/check_layers.py).
//
// libmicrohttpd only *asks* for a client certificate when given a trust list (GnuTLS's
// GNUTLS_CERT_REQUEST): the handshake succeeds without one, or with an untrusted one. So the
// check is ours, per request at the headers, which also lets the probes through without a
// certificate (as they need no token).
#ifndef MAMMOCAD_SERVER_TLS_BRIDGE_H_
#define MAMMOCAD_SERVER_TLS_BRIDGE_H_

#include <optional>
#include <vector>

#include "mammocad/status.h"
#include "server/http_types.h"
#include "server/tls.h"

struct MHD_Connection;
struct MHD_OptionItem;

namespace mammocad {

// Adds MHD_USE_TLS to `flags` and the key, certificate and (if any) client CA to `options`.
// The options point into `credentials`, which must outlive the daemon. Errors: kIoError
// when this libmicrohttpd was built without TLS.
Status AddTlsOptions(const TlsCredentials& credentials, unsigned* flags,
                     std::vector<MHD_OptionItem>* options);

// With `credentials.verifies_clients()`, the 401 unauthorized reply (in the path's style,
// Connection: close) for a request that is not a probe (server/auth.h) on a connection whose
// client sent no certificate, or one the client CA did not sign, or one out of its validity
// dates; nullopt: go on.
std::optional<HttpReply> RefuseUntrustedClient(const TlsCredentials& credentials,
                                               MHD_Connection* connection,
                                               const HttpRequest& request);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_TLS_BRIDGE_H_
