#include "server/tls.h"

#include <fstream>
#include <sstream>

namespace mammocad {
namespace {

// The PEM text of `path`, which must hold a "-----BEGIN <kind>" block (kind "" = any).
Status ReadPem(const std::string& path, const std::string& what, const std::string& kind,
               std::string* pem) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  if (!file || !(text << file.rdbuf())) {
    return Status(ErrorCode::kIoError, "cannot read the " + what + " file '" + path + "'");
  }
  *pem = text.str();
  if (pem->find("-----BEGIN " + kind) == std::string::npos) {
    return Status(ErrorCode::kBadParameter, "the " + what + " file '" + path +
                                                "' holds no PEM " +
                                                (kind.empty() ? "block" : kind));
  }
  return Status::Ok();
}

}  // namespace

Status LoadTlsCredentials(const TlsFiles& files, TlsCredentials* credentials) {
  *credentials = TlsCredentials();
  if (files.cert.empty() != files.key.empty()) {
    return Status(ErrorCode::kBadParameter,
                  "TLS needs both --tls-cert and --tls-key (or neither)");
  }
  if (files.cert.empty()) {
    if (!files.client_ca.empty()) {
      return Status(ErrorCode::kBadParameter,
                    "--tls-client-ca needs TLS: give --tls-cert and --tls-key too");
    }
    return Status::Ok();
  }
  TlsCredentials read;
  // The key's kind varies ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"); an encrypted
  // one ("ENCRYPTED PRIVATE KEY") would need a password at every start, so GnuTLS refuses it.
  Status status = ReadPem(files.cert, "TLS certificate", "CERTIFICATE", &read.cert_pem);
  if (status.ok()) status = ReadPem(files.key, "TLS key", "", &read.key_pem);
  if (status.ok() && read.key_pem.find("PRIVATE KEY-----") == std::string::npos) {
    status = Status(ErrorCode::kBadParameter,
                    "the TLS key file '" + files.key + "' holds no PEM private key");
  }
  if (status.ok() && !files.client_ca.empty()) {
    status = ReadPem(files.client_ca, "TLS client CA", "CERTIFICATE", &read.client_ca_pem);
  }
  if (!status.ok()) return status;
  *credentials = std::move(read);
  return Status::Ok();
}

}  // namespace mammocad
