// SHA-256 of a byte string, as lowercase hex: the checksum a neural model's manifest records
// for its network file (Python's hashlib.sha256 computes the same at export).
#ifndef MAMMOCAD_DETECTOR_SHA256_H_
#define MAMMOCAD_DETECTOR_SHA256_H_

#include <string>
#include <string_view>

namespace mammocad {

std::string Sha256Hex(std::string_view bytes);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_SHA256_H_
