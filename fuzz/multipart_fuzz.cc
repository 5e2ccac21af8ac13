// libFuzzer target for the HTTP bridge's multipart/form-data parser (src/server/multipart.h):
// the input's first line is the Content-Type header, the rest the body. Checks, beyond "no
// crash, no sanitizer report": the parser never invents bytes (the parts' contents fit in the
// body), holds its part limit, and explains every refusal.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "server/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mammocad;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view content_type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  const std::string boundary = MultipartBoundary(content_type);
  if (boundary.size() > 70) std::abort();

  MultipartLimits limits;
  limits.max_parts = 64;
  limits.max_part_header_bytes = 1024;
  NameValues form;
  std::vector<UploadedPart> uploads;
  const Status status = ParseMultipartFormData(content_type, body, limits, &form, &uploads);
  if (!status.ok() && status.message().empty()) std::abort();
  if (status.ok() && boundary.empty()) std::abort();
  if (form.size() + uploads.size() > limits.max_parts) std::abort();
  std::size_t content_bytes = 0;
  for (const auto& [name, value] : form) content_bytes += value.size();
  for (const UploadedPart& part : uploads) {
    if (part.filename.empty()) std::abort();  // a part without a file name is a form value
    if (body.find(part.bytes) == std::string_view::npos) std::abort();
    content_bytes += part.bytes.size();
  }
  if (content_bytes > body.size()) std::abort();
  return 0;
}
