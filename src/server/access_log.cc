#include "server/access_log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>

namespace mammocad {
namespace {

// Marks a message that is already the inner fields of a JSON object (the access line).
constexpr char kJsonFieldsMark = '\x1e';

std::atomic<LogFormat> g_format{LogFormat::kText};

// A JSON string of printable ASCII (EscapeForLog's output, or our own text escaped by it).
std::string JsonString(std::string_view printable) {
  std::string out = "\"";
  for (char c : printable) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// %* in the JSON pattern: the message as a "message" field, or the fields it already is.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    std::string out;
    if (!text.empty() && text.front() == kJsonFieldsMark) {
      out = std::string(text.substr(1));
    } else {
      out = "\"message\":" + JsonString(EscapeForLog(text, 64 << 10));
    }
    dest.append(out.data(), out.data() + out.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

std::string EscapeForLog(std::string_view text, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  const bool cut = text.size() > max_bytes;
  if (cut) text = text.substr(0, max_bytes);
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
  if (cut) out += "...";
  return out;
}

std::string SaneRequestId(std::string_view header) {
  if (header.empty() || header.size() > 64) return "";
  for (char c : header) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return "";
  }
  return std::string(header);
}

std::string NewRequestId() {
  // A per-process random start and a counter: unique within the run, unguessable enough for
  // correlating logs (not a secret).
  static const std::uint64_t start = [] {
    std::random_device device;
    return (std::uint64_t(device()) << 32) ^ device() ^
           std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
  }();
  static std::atomic<std::uint64_t> counter{0};
  std::uint64_t value = start + 0x9E3779B97F4A7C15ull * ++counter;
  value ^= value >> 29;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string FormatAccessLine(const AccessLogEntry& entry, LogFormat format) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1f", entry.duration_ms);
  const std::string method = EscapeForLog(entry.method, 32);
  const std::string path = EscapeForLog(entry.path);
  const std::string client = EscapeForLog(entry.client, 64);
  const std::string id = EscapeForLog(entry.request_id, 64);
  const std::string note = EscapeForLog(entry.note);
  if (format == LogFormat::kJson) {
    return "{\"event\":\"access\",\"request_id\":" + JsonString(id) +
           ",\"client\":" + JsonString(client) + ",\"method\":" + JsonString(method) +
           ",\"path\":" + JsonString(path) + ",\"status\":" + std::to_string(entry.status) +
           ",\"bytes_in\":" + std::to_string(entry.bytes_in) +
           ",\"bytes_out\":" + std::to_string(entry.bytes_out) + ",\"duration_ms\":" +
           duration + ",\"note\":" + JsonString(note) + "}";
  }
  return method + " " + path + " -> " + std::to_string(entry.status) + " (" +
         std::to_string(entry.bytes_in) + " bytes in, " + std::to_string(entry.bytes_out) +
         " bytes out) " + duration + " ms client=" + client + " id=" + id +
         (note.empty() ? "" : " " + note);
}

void ConfigureLogging(LogFormat format) {
  g_format = format;
  if (format == LogFormat::kText) {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    return;
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<JsonMessageFlag>('*').set_pattern(
      "{\"time\":\"%Y-%m-%dT%H:%M:%S.%e\",\"level\":\"%l\",%*}");
  spdlog::set_formatter(std::move(formatter));
}

void LogAccess(const AccessLogEntry& entry) {
  const LogFormat format = g_format;
  std::string line = FormatAccessLine(entry, format);
  if (format == LogFormat::kJson) {  // the object's fields, inside the pattern's object
    line = kJsonFieldsMark + line.substr(1, line.size() - 2);
  }
  spdlog::info("{}", line);
}

}  // namespace mammocad
