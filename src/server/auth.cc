#include "server/auth.h"

#include <fstream>
#include <sstream>

#include "server/routes.h"
#include "server/viewer_assets.h"

namespace mammocad {
namespace {

std::string_view Trimmed(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

bool VisibleAscii(std::string_view text) {
  for (char c : text)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

bool ConstantTimeEquals(std::string_view presented, std::string_view secret) {
  // Every byte of `presented` is looked at, against the secret's byte at the same place (or a
  // stand-in past its end), with no early exit: the time says nothing of the first mismatch.
  unsigned difference = presented.size() == secret.size() ? 0u : 1u;
  for (std::size_t i = 0; i < presented.size(); ++i) {
    const unsigned char expected =
        i < secret.size() ? static_cast<unsigned char>(secret[i]) : 0u;
    difference |= static_cast<unsigned char>(presented[i]) ^ expected;
  }
  return difference == 0 && !secret.empty();
}

Status BearerTokens::Parse(std::string_view text, BearerTokens* tokens) {
  std::vector<std::string> found;
  int line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    line = Trimmed(line);
    if (line.empty() || line.front() == '#') continue;
    const std::string where = "token file line " + std::to_string(line_number) + ": ";
    if (!VisibleAscii(line)) {
      return Status(ErrorCode::kBadParameter,
                    where + "a token is one word of visible ASCII characters");
    }
    if (line.size() < kMinTokenLength) {
      return Status(ErrorCode::kBadParameter,
                    where + "the token is shorter than " + std::to_string(kMinTokenLength) +
                        " characters (make one with: openssl rand -base64 32)");
    }
    found.emplace_back(line);
  }
  if (found.empty()) {
    return Status(ErrorCode::kBadParameter,
                  "the token file holds no token (one per line; '#' starts a comment)");
  }
  tokens->tokens_ = std::move(found);
  return Status::Ok();
}

Status BearerTokens::Load(const std::string& path, BearerTokens* tokens) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  if (!file || !(text << file.rdbuf())) {
    return Status(ErrorCode::kIoError, "cannot read the token file '" + path + "'");
  }
  if (Status status = Parse(text.str(), tokens); !status.ok()) {
    return Status(status.code(), "'" + path + "': " + status.message());
  }
  return Status::Ok();
}

bool BearerTokens::Accepts(std::string_view authorization) const {
  authorization = Trimmed(authorization);
  constexpr std::string_view kScheme = "Bearer";
  if (authorization.size() <= kScheme.size() ||
      !EqualsIgnoringCase(authorization.substr(0, kScheme.size()), kScheme) ||
      (authorization[kScheme.size()] != ' ' && authorization[kScheme.size()] != '\t')) {
    return false;
  }
  const std::string_view presented = Trimmed(authorization.substr(kScheme.size()));
  bool accepted = false;
  for (const std::string& token : tokens_) accepted |= ConstantTimeEquals(presented, token);
  return accepted;
}

bool ExemptFromAuthentication(const HttpRequest& request) {
  // The viewer's files hold no data; a browser cannot send a token with a page load.
  const bool public_path = request.path == "/healthz" || request.path == "/readyz" ||
                           FindViewerAsset(request.path) != nullptr;
  return public_path && (request.method == "GET" || request.method == "HEAD");
}

std::optional<HttpReply> RefuseUnauthenticated(const BearerTokens& tokens,
                                               const HttpRequest& request,
                                               std::string_view authorization) {
  if (!tokens.enabled() || ExemptFromAuthentication(request) || tokens.Accepts(authorization)) {
    return std::nullopt;
  }
  // RFC 6750 section 3: no credentials → the bare challenge; wrong ones → invalid_token.
  const bool presented = !Trimmed(authorization).empty();
  HttpReply reply = ErrorReply(
      Status(ErrorCode::kUnauthorized,
             presented ? "the bearer token is not valid"
                       : "authentication required: send Authorization: Bearer <token>"),
      StyleForPath(request.path));
  reply.headers.emplace_back(
      "WWW-Authenticate",
      presented ? "Bearer realm=\"mammocad\", error=\"invalid_token\"" : "Bearer realm=\"mammocad\"");
  // The body (if any) is not read: the connection cannot carry another request.
  reply.headers.emplace_back("Connection", "close");
  return reply;
}

}  // namespace mammocad
