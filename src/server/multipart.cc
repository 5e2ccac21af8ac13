#include "server/multipart.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace mammocad {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The parameter `name` of a header value such as `form-data; name="images"; filename="a"`:
// a quoted string (a backslash escapes the next character) or a token up to the next ';'.
// nullopt when absent. `filename*` (RFC 5987) is a different parameter and not read.
std::optional<std::string> HeaderParameter(std::string_view value, std::string_view name) {
  const std::size_t n = value.size();
  std::size_t i = value.find(';');
  if (i == std::string_view::npos) return std::nullopt;
  ++i;
  auto skip_blanks = [&] {
    while (i < n && (value[i] == ' ' || value[i] == '\t')) ++i;
  };
  while (i < n) {
    skip_blanks();
    const std::size_t key_begin = i;
    while (i < n && value[i] != '=' && value[i] != ';') ++i;
    const std::string_view key = Trim(value.substr(key_begin, i - key_begin));
    if (i < n && value[i] == '=') {
      ++i;
      skip_blanks();
      std::string parsed;
      if (i < n && value[i] == '"') {
        for (++i; i < n && value[i] != '"'; ++i) {
          if (value[i] == '\\' && i + 1 < n) ++i;
          parsed += value[i];
        }
        while (i < n && value[i] != ';') ++i;  // the closing quote and anything after it
      } else {
        const std::size_t begin = i;
        while (i < n && value[i] != ';') ++i;
        parsed = std::string(Trim(value.substr(begin, i - begin)));
      }
      if (IEquals(key, name)) return parsed;
    }
    if (i < n) ++i;  // the ';'
  }
  return std::nullopt;
}

struct PartHeaders {
  std::optional<std::string> name, filename;
  std::string content_type;
};

// The header block of one part (lines separated by CRLF, without the blank line).
PartHeaders ParsePartHeaders(std::string_view block) {
  PartHeaders headers;
  while (!block.empty()) {
    const std::size_t end = block.find("\r\n");
    const std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view field = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(field, "Content-Disposition")) {
      headers.name = HeaderParameter(value, "name");
      headers.filename = HeaderParameter(value, "filename");
    } else if (IEquals(field, "Content-Type")) {
      headers.content_type = std::string(value);
    }
  }
  return headers;
}

Status Malformed(const std::string& what) {
  return Status(ErrorCode::kBadParameter, "malformed multipart/form-data body: " + what);
}

}  // namespace

std::string MultipartBoundary(std::string_view content_type) {
  const std::size_t semicolon = content_type.find(';');
  if (!IEquals(Trim(content_type.substr(0, semicolon)), "multipart/form-data")) return "";
  std::optional<std::string> boundary = HeaderParameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) return "";
  return *boundary;
}

Status ParseMultipartFormData(std::string_view content_type, std::string_view body,
                              const MultipartLimits& limits, NameValues* form,
                              std::vector<UploadedPart>* uploads) {
  const std::string boundary = MultipartBoundary(content_type);
  if (boundary.empty()) return Malformed("the Content-Type names no boundary");
  // Every delimiter but the first is preceded by CRLF, which belongs to it, not to the part.
  const std::string delimiter = "\r\n--" + boundary;
  std::size_t pos;
  if (body.starts_with(std::string_view(delimiter).substr(2))) {
    pos = delimiter.size() - 2;
  } else {
    const std::size_t first = body.find(delimiter);  // after a preamble
    if (first == std::string_view::npos) return Malformed("no opening boundary");
    pos = first + delimiter.size();
  }
  std::size_t parts = 0;
  for (;;) {
    // After a delimiter: "--" closes the body; else optional white space and CRLF.
    if (body.substr(pos, 2) == "--") return Status::Ok();  // the epilogue is ignored
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return Malformed("no line break after a boundary");
    pos += 2;
    const std::size_t headers_end = body.find("\r\n\r\n", pos);
    const bool no_headers = body.substr(pos, 2) == "\r\n";  // an empty header block
    if (!no_headers && headers_end == std::string_view::npos) {
      return Malformed("a part's headers do not end");
    }
    const std::size_t block_end = no_headers ? pos : headers_end;
    if (block_end - pos > limits.max_part_header_bytes) {
      return Malformed("a part's headers are over " +
                       std::to_string(limits.max_part_header_bytes) + " bytes");
    }
    const PartHeaders headers = ParsePartHeaders(body.substr(pos, block_end - pos));
    const std::size_t content_begin = no_headers ? pos + 2 : headers_end + 4;
    const std::size_t content_end = body.find(delimiter, content_begin);
    if (content_end == std::string_view::npos) return Malformed("no closing boundary");
    if (++parts > limits.max_parts) {
      return Status(ErrorCode::kPayloadTooLarge, "more than " +
                                                     std::to_string(limits.max_parts) +
                                                     " multipart parts in one request");
    }
    const std::string_view content = body.substr(content_begin, content_end - content_begin);
    if (headers.name) {
      if (headers.filename && !headers.filename->empty()) {
        uploads->push_back({*headers.name, *headers.filename, headers.content_type,
                            std::string(content)});
      } else {
        form->emplace_back(*headers.name, std::string(content));
      }
    }
    pos = content_end + delimiter.size();
  }
}

}  // namespace mammocad
