// What the server logs about a request, made safe: everything taken from the request (path,
// method, request id, client address) is escaped so that no byte of it can end a log line or
// forge a field (a percent-encoded newline in the URL decodes to a real one), and the
// access-log line in text or JSON form. Never file names or form values: they may carry
// patient data.
//
// Thread-safety: pure functions, except ConfigureLogging (once, at startup) and
// LogAccess / NewRequestId (thread-safe).
#ifndef MAMMOCAD_SERVER_ACCESS_LOG_H_
#define MAMMOCAD_SERVER_ACCESS_LOG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mammocad {

enum class LogFormat { kText, kJson };

// `text` with every byte outside printable ASCII (controls, DEL, bytes >= 0x80), the
// backslash and the double quote written as \xHH, cut to `max_bytes` input bytes (then "...").
// The result is printable ASCII without '"' or '\\' other than in escapes.
std::string EscapeForLog(std::string_view text, std::size_t max_bytes = 1024);

// `header` if it is a sane request id (1 to 64 characters of A-Z a-z 0-9 . _ : -), else "".
std::string SaneRequestId(std::string_view header);

// A fresh request id: 16 lowercase hex digits, unique per process run with high probability.
std::string NewRequestId();

struct AccessLogEntry {
  std::string request_id;
  std::string client;      // "address:port" of the peer
  std::string method, path;
  int status = 0;
  std::uint64_t bytes_in = 0, bytes_out = 0;
  double duration_ms = 0;  // headers received to reply queued
  std::string note;        // the route's log note (HttpReply::log_note)
};

// One access-log line, every request-derived field escaped. kText:
//   `GET /healthz -> 200 (0 bytes in, 57 bytes out) 0.4 ms client=127.0.0.1:5123 id=ab12 note`
// kJson: one JSON object with the fields above ("event":"access").
std::string FormatAccessLine(const AccessLogEntry& entry, LogFormat format);

// Sets spdlog's line format: kText as before (time, level, message); kJson one JSON object
// per line ({"time","level","message"}), the access lines with their fields. Call once before
// serving.
void ConfigureLogging(LogFormat format);

// Writes the access line of `entry` (info level) in the configured format.
void LogAccess(const AccessLogEntry& entry);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_ACCESS_LOG_H_
