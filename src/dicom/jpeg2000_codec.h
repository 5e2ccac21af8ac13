// JPEG 2000 for DICOM with OpenJPEG, in memory. DCMTK 3.6.7 has no JPEG 2000 codec, so the
// reader hands the encapsulated frame (fragments joined) to DecodeJpeg2000, and the writer
// uses EncodeJpeg2000 to build JPEG 2000 test fixtures. Internal to src/dicom/.
// Thread-safety: both functions are reentrant (one OpenJPEG codec per call).
#ifndef MAMMOCAD_DICOM_JPEG2000_CODEC_H_
#define MAMMOCAD_DICOM_JPEG2000_CODEC_H_

#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "mammocad/status.h"

namespace mammocad::dicom_internal {

// Decodes a single-component J2K codestream (or a JP2 file, which some vendors encapsulate)
// into `stored` (CV_32SC1, the stored pixel values, sign-extended when the codestream says
// signed). The image must be expected_columns x expected_rows, one component of at most 16
// bits; anything else, or a damaged codestream, gives kCorruptImage. The size is checked from
// the codestream header before any tile is decoded.
Status DecodeJpeg2000(std::string_view codestream, int expected_rows, int expected_columns,
                      cv::Mat* stored);

// Encodes CV_8UC1/CV_16UC1 `pixels` (values < 2^bits_stored) as a J2K codestream: reversible
// 5/3 wavelet when `lossless`, else irreversible 9/7 at `compression_ratio`:1.
Status EncodeJpeg2000(const cv::Mat& pixels, int bits_stored, bool lossless,
                      double compression_ratio, std::string* codestream);

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_JPEG2000_CODEC_H_
