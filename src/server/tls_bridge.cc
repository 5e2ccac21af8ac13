#include "server/tls_bridge.h"

#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "server/auth.h"
#include "server/routes.h"

namespace mammocad {
namespace {

// GnuTLS verifies the chain the client sent against the client CA given to libmicrohttpd
// (signature, validity dates, key usage); no host name is checked (clients have none).
bool ClientCertificateTrusted(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  if (info == nullptr || info->tls_session == nullptr) return false;
  auto session = static_cast<gnutls_session_t>(info->tls_session);
  unsigned verdict = 0;
  // Fails (GNUTLS_E_NO_CERTIFICATE_FOUND) when the client sent no certificate.
  return gnutls_certificate_verify_peers2(session, &verdict) == GNUTLS_E_SUCCESS &&
         verdict == 0;
}

}  // namespace

Status AddTlsOptions(const TlsCredentials& credentials, unsigned* flags,
                     std::vector<MHD_OptionItem>* options) {
  if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
    return Status(ErrorCode::kIoError,
                  "this libmicrohttpd was built without TLS: --tls-cert cannot be used");
  }
  *flags |= MHD_USE_TLS;
  // MHD takes const char* through the option's pointer member.
  auto text = [](const std::string& pem) { return const_cast<char*>(pem.c_str()); };
  options->push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, text(credentials.key_pem)});
  options->push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, text(credentials.cert_pem)});
  if (credentials.verifies_clients()) {
    options->push_back({MHD_OPTION_HTTPS_MEM_TRUST, 0, text(credentials.client_ca_pem)});
  }
  return Status::Ok();
}

std::optional<HttpReply> RefuseUntrustedClient(const TlsCredentials& credentials,
                                               MHD_Connection* connection,
                                               const HttpRequest& request) {
  if (!credentials.verifies_clients() || ExemptFromAuthentication(request) ||
      ClientCertificateTrusted(connection)) {
    return std::nullopt;
  }
  HttpReply reply = ErrorReply(
      Status(ErrorCode::kUnauthorized,
             "a client certificate signed by the server's client CA is required"),
      StyleForPath(request.path));
  reply.headers.emplace_back("Connection", "close");
  return reply;
}

}  // namespace mammocad
