// JPEG 2000 for DICOM with OpenJPEG, in memory. DCMTK 3.6.7 has no JPEG 2000 codec, so the
// reader hands the encapsulated frame (its fragment, or the fragments joined) to
// DecodeJpeg2000, and the writer uses EncodeJpeg2000 to build JPEG 2000 test fixtures.
// Internal to src/dicom/.
// Thread-safety: both functions are reentrant (one OpenJPEG codec per call). A decode runs on
// OpenJPEG's own threads, one per core (opj_codec_set_threads): the code blocks of a frame
// are independent, and lossless frames are 30x slower to decode than the detector's work.
#ifndef MAMMOCAD_DICOM_JPEG2000_CODEC_H_
#define MAMMOCAD_DICOM_JPEG2000_CODEC_H_

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "mammocad/status.h"

namespace mammocad::dicom_internal {

// A decoded frame, where OpenJPEG put it (no copy): expected_rows x expected_columns values,
// row after row, the stored pixel values sign-extended when the codestream says signed.
struct DecodedJpeg2000 {
  std::shared_ptr<void> owner;            // the OpenJPEG image that holds `samples`
  const std::int32_t* samples = nullptr;  // valid while `owner` lives
};

// Decodes a single-component J2K codestream (or a JP2 file, which some vendors encapsulate).
// The image must be expected_columns x expected_rows, one component of at most 16 bits;
// anything else, or a damaged codestream, gives kCorruptImage. The size is checked from the
// codestream header before any tile is decoded.
Status DecodeJpeg2000(std::string_view codestream, int expected_rows, int expected_columns,
                      DecodedJpeg2000* decoded);

// Encodes CV_8UC1/CV_16UC1 `pixels` (values < 2^bits_stored) as a J2K codestream: reversible
// 5/3 wavelet when `lossless`, else irreversible 9/7 at `compression_ratio`:1.
Status EncodeJpeg2000(const cv::Mat& pixels, int bits_stored, bool lossless,
                      double compression_ratio, std::string* codestream);

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_JPEG2000_CODEC_H_
