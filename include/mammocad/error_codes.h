// The one table of mammocad's error codes. Each code has a stable number (the `state` of the
// BreastCalcify reply; 0 means success, as in the old Python service), the HTTP status the
// server answers with, and a short name. README.md lists the same table for clients;
// error_codes_test.cc checks that the two agree.
#ifndef MAMMOCAD_ERROR_CODES_H_
#define MAMMOCAD_ERROR_CODES_H_

#include <string_view>

namespace mammocad {

#define MAMMOCAD_ERROR_TABLE(X)                                                              \
  /*  name                     state http  meaning */                                       \
  X(kOk,                         0,  200, "ok")                                               \
  X(kNoImages,                   1,  400, "no_images")          /* no file in field images */  \
  X(kEmptyFile,                  2,  400, "empty_file")         /* a file of zero bytes */     \
  X(kBadParameter,               3,  400, "bad_parameter")      /* a form/query value */       \
  X(kPayloadTooLarge,            4,  413, "payload_too_large")  /* bytes over the limit */     \
  X(kTooManyPixels,              5,  413, "too_many_pixels")    /* pixels over the limit */    \
  X(kUnsupportedFormat,          6,  415, "unsupported_format") /* no image format we read */  \
  X(kUnsupportedTransferSyntax,  7,  415, "unsupported_transfer_syntax")                       \
  X(kCorruptImage,               8,  422, "corrupt_image")      /* known format, undecodable */\
  X(kNotAnImage,                 9,  422, "not_a_single_image") /* DICOM SR, multi-frame ... */\
  X(kNotFound,                  10,  404, "not_found")                                          \
  X(kMethodNotAllowed,          11,  405, "method_not_allowed")                                 \
  X(kIoError,                   12,  500, "io_error")           /* reading/writing a file */   \
  X(kInternal,                  13,  500, "internal_error")                                     \
  X(kHeadersTooLarge,           14,  431, "headers_too_large")  /* header lines or bytes */   \
  X(kOverloaded,                15,  503, "overloaded")         /* queue full, draining */    \
  X(kRequestTimeout,            16,  408, "request_timeout")    /* too slow or too long */   \
  X(kUnauthorized,              17,  401, "unauthorized")       /* no or a wrong token */

enum class ErrorCode : int {
#define MAMMOCAD_ERROR_ENUM(name, state, http, text) name = state,
  MAMMOCAD_ERROR_TABLE(MAMMOCAD_ERROR_ENUM)
#undef MAMMOCAD_ERROR_ENUM
};

// The `state` number clients see.
constexpr int StateNumber(ErrorCode code) { return static_cast<int>(code); }

// The HTTP status the server answers with for this code.
int HttpStatus(ErrorCode code);

// The short stable name, such as "empty_file".
std::string_view ErrorName(ErrorCode code);

}  // namespace mammocad

#endif  // MAMMOCAD_ERROR_CODES_H_
