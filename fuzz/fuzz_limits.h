// The limits every fuzz target decodes with: small, so that one input costs milliseconds and
// a few megabytes, while every check (the pixel limit, the DICOM scan's depth, counts and
// inflated size) is still reached by inputs of libFuzzer's sizes.
#ifndef MAMMOCAD_FUZZ_FUZZ_LIMITS_H_
#define MAMMOCAD_FUZZ_FUZZ_LIMITS_H_

#include <cstdlib>

#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad::fuzz {

inline DecodeLimits SmallLimits() {
  DecodeLimits limits;
  limits.max_bytes = 1u << 20;
  limits.max_pixels = 1 << 20;
  limits.max_dicom_elements = 20'000;
  limits.max_dicom_items = 20'000;
  limits.max_dicom_non_pixel_bytes = 1u << 20;
  return limits;
}

// Aborts (a libFuzzer finding) when a decoder broke its contract: an image that is not what
// mammocad/image.h promises, an error without a message, or an internal error, which the
// parsers report only for unexpected exceptions and out-of-memory.
inline void CheckOutcome(const Status& status, const Image& image) {
  if (status.ok()) {
    const bool keeps_contract =
        !image.pixels.empty() &&
        (image.pixels.type() == CV_8UC1 || image.pixels.type() == CV_16UC1) &&
        image.bits_stored >= 1 && image.bits_stored <= 16 &&
        std::int64_t(image.pixels.cols) * image.pixels.rows <= SmallLimits().max_pixels;
    if (!keeps_contract) std::abort();
    return;
  }
  if (status.message().empty() || status.code() == ErrorCode::kInternal) std::abort();
}

}  // namespace mammocad::fuzz

#endif  // MAMMOCAD_FUZZ_FUZZ_LIMITS_H_
