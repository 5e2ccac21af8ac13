// The codec test image as a DICOM fixture in any transfer syntax the writer produces: the
// settings the DICOM robustness tests mutate and the fuzz seeds start from (one place, so
// that both exercise the same files). Header-only, like codec_test_image.h.
#ifndef MAMMOCAD_TESTING_CODEC_TEST_DICOM_H_
#define MAMMOCAD_TESTING_CODEC_TEST_DICOM_H_

#include <algorithm>

#include "dicom/dicom_writer.h"

namespace mammocad::testing {

// At most 12 bits stored (fewer where the syntax allows fewer), imager spacing 0.07 mm, a
// VOI window with a SIGMOID function.
inline DicomWriteOptions CodecTestDicomOptions(DicomTransferSyntax syntax) {
  DicomWriteOptions options;
  options.transfer_syntax = syntax;
  options.bits_stored = std::min(12, MaxBitsStored(syntax));
  options.imager_pixel_spacing_mm = 0.07;
  options.window = DicomWindow{1000, 800, "SIGMOID"};
  return options;
}

}  // namespace mammocad::testing

#endif  // MAMMOCAD_TESTING_CODEC_TEST_DICOM_H_
