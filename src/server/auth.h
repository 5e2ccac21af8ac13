// Bearer-token authentication (RFC 6750), as plain code: the token file's parsing, the
// Authorization header's check, and which requests need it. http_server.cc asks
// RefuseUnauthenticated() once the headers are complete, before any body byte is read, so an
// unauthenticated client can make the server buffer nothing.
//
// Tokens are secrets: nothing here logs them or puts them in a message, and the comparison
// takes the same time wherever a presented token differs from a valid one.
#ifndef MAMMOCAD_SERVER_AUTH_H_
#define MAMMOCAD_SERVER_AUTH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mammocad/status.h"
#include "server/http_types.h"

namespace mammocad {

// The shortest token accepted: 16 characters (about 96 bits from a random base64 string),
// so that a token cannot be guessed by trying.
constexpr std::size_t kMinTokenLength = 16;

// True when `presented` equals `secret`. Its time depends on the length of `presented` only, never
// on where the two differ nor on `secret`'s content.
bool ConstantTimeEquals(std::string_view presented, std::string_view secret);

class BearerTokens {
 public:
  BearerTokens() = default;  // no tokens: every request is let through (authentication off)

  // The tokens of a token file's text: one per line; surrounding blanks, blank lines and lines
  // starting with '#' ignored. Errors: kBadParameter when there is no token, or a token is
  // shorter than kMinTokenLength or holds a character outside visible ASCII (the message
  // names the line, never the token).
  static Status Parse(std::string_view text, BearerTokens* tokens);
  // Parse() of the file at `path`. Errors: kIoError when it cannot be read; Parse()'s.
  static Status Load(const std::string& path, BearerTokens* tokens);

  bool enabled() const { return !tokens_.empty(); }
  std::size_t size() const { return tokens_.size(); }

  // True when `authorization` (the Authorization header's value) is "Bearer <token>" (the
  // scheme in any case) with one of the tokens. Every token is compared, match or not.
  bool Accepts(std::string_view authorization) const;

 private:
  std::vector<std::string> tokens_;
};

// Requests that need no token: the probes (GET or HEAD /healthz and /readyz), which an
// orchestrator or load balancer sends without credentials, and the web viewer's files (GET or
// HEAD of a server/viewer_assets.h path: code, no data; its API requests carry the token). /metrics needs the token: its
// counters tell how many studies the department sends and when.
bool ExemptFromAuthentication(const HttpRequest& request);

// With `tokens` enabled, the 401 unauthorized reply (in the path's style, with
// WWW-Authenticate: Bearer and Connection: close) for a request that needs a token and whose
// `authorization` header does not carry a valid one; nullopt: go on.
std::optional<HttpReply> RefuseUnauthenticated(const BearerTokens& tokens,
                                               const HttpRequest& request,
                                               std::string_view authorization);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_AUTH_H_
