#include "mammocad/status.h"

namespace mammocad {

int HttpStatus(ErrorCode code) {
  switch (code) {
#define MAMMOCAD_ERROR_HTTP(name, state, http, text) \
  case ErrorCode::name:                              \
    return http;
    MAMMOCAD_ERROR_TABLE(MAMMOCAD_ERROR_HTTP)
#undef MAMMOCAD_ERROR_HTTP
  }
  return 500;
}

std::string_view ErrorName(ErrorCode code) {
  switch (code) {
#define MAMMOCAD_ERROR_NAME(name, state, http, text) \
  case ErrorCode::name:                              \
    return text;
    MAMMOCAD_ERROR_TABLE(MAMMOCAD_ERROR_NAME)
#undef MAMMOCAD_ERROR_NAME
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorName(code_)) + ": " + message_;
}

}  // namespace mammocad
