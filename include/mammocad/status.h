// Status: the result of an operation that can fail, carried across module lines instead of
// exceptions (as in LevelDB). A Status is either OK or holds an ErrorCode and a message meant
// for the person who sent the request. Messages never hold patient data (names, IDs, dates).
// [[nodiscard]]: a Status that is dropped is an error that went unhandled.
//
// Thread-safety: a Status is a value; distinct objects may be used from distinct threads.
#ifndef MAMMOCAD_STATUS_H_
#define MAMMOCAD_STATUS_H_

#include <string>
#include <string_view>
#include <utility>

#include "mammocad/error_codes.h"

namespace mammocad {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "<error name>: <message>", for logs.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_STATUS_H_
