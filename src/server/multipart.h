// The multipart/form-data body parser (RFC 7578, RFC 2046 §5.1) of the HTTP bridge: a pure
// function from the Content-Type header and the body bytes to the form values and uploads of
// an HttpRequest (server/http_types.h). No library types and no I/O, so it is unit-tested
// (multipart_test.cc) and fuzzed (fuzz/multipart_fuzz.cc) on its own.
//
// One pass over the body; the work and the memory are bounded by the body's size (each part
// is copied once into its value) and by MultipartLimits. Never throws except std::bad_alloc.
// Thread-safety: a pure function.
#ifndef MAMMOCAD_SERVER_MULTIPART_H_
#define MAMMOCAD_SERVER_MULTIPART_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mammocad/status.h"
#include "server/http_types.h"

namespace mammocad {

struct MultipartLimits {
  std::size_t max_parts = 1024;              // form values and files together
  std::size_t max_part_header_bytes = 16 << 10;  // the header block of one part
};

// The boundary parameter of a multipart/form-data Content-Type ("" when the type is not
// multipart/form-data or names no valid boundary: 1 to 70 characters, RFC 2046).
std::string MultipartBoundary(std::string_view content_type);

// Appends the parts of `body` to `form` (parts without a file name, or with an empty one) and
// `uploads` (parts with a file name), in the order sent. Parts with no name are skipped.
// Errors: kBadParameter for a body that is not multipart/form-data of `content_type`'s
// boundary (no boundary, no opening or closing delimiter, a part without the blank line
// after its headers, a header block over the limit); kPayloadTooLarge for more parts than
// `limits.max_parts`. On error the outputs may hold the parts read so far.
Status ParseMultipartFormData(std::string_view content_type, std::string_view body,
                              const MultipartLimits& limits, NameValues* form,
                              std::vector<UploadedPart>* uploads);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_MULTIPART_H_
