// The DICOM grey-level pipeline, free of DCMTK so that it can be read and tested on its own.
// Internal to src/dicom/.
//
//   stored value --Modality LUT--> modality value --+--> `pixels` (for the detector)
//                                                    +--> VOI --> `display` (8-bit, for people)
//
// `pixels` keep the modality values exactly when they are integers that fit in 16 bits
// (shifted to start at 0 if some are negative), and are otherwise scaled linearly onto
// 0..2^bits_stored-1; the VOI transform never touches them. MONOCHROME1 is inverted in both
// outputs, so that bright always means dense.
//
// Raw FOR PROCESSING data are linear in exposure: the contrast of a calcification then grows
// with the local exposure. With `log_exposure` the pixels are log(1 + value - lowest) instead
// (then scaled), which makes contrast proportional to attenuation, as in a presentation image.
#ifndef MAMMOCAD_DICOM_GREY_LEVELS_H_
#define MAMMOCAD_DICOM_GREY_LEVELS_H_

#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <vector>

#include "mammocad/status.h"

namespace mammocad::dicom_internal {

// Layout of one sample in native (uncompressed) Pixel Data.
struct SampleLayout {
  int bits_allocated = 16;  // 8 or 16
  int bits_stored = 16;     // 1..bits_allocated
  int high_bit = 15;        // bits_stored-1 .. bits_allocated-1
  bool is_signed = false;   // Pixel Representation 1
};

// The stored values of one frame, viewed where they lie (not owned, not copied): native Pixel
// Data as in the file (8 or 16 bits per sample, of which the bits_stored bits ending at
// high_bit count, sign-extended when signed), or values a codec decoded (32 bits each, JPEG
// 2000; clamped to the layout's range, since a codestream may carry more bits than Bits
// Stored admits). Rows follow each other without padding.
struct StoredFrame {
  enum class Samples { kNative8, kNative16, kDecoded32 };
  Samples samples = Samples::kNative16;
  const void* data = nullptr;  // aligned for its sample type
  std::size_t size_bytes = 0;
  int rows = 0;
  int columns = 0;
};

// The frame of native Pixel Data `data` (bits_allocated 8 or 16). kCorruptImage when the
// layout is impossible or `data` is shorter than the image.
Status NativeFrame(const void* data, std::size_t size_bytes, int rows, int columns,
                   const SampleLayout& layout, StoredFrame* frame);

// A DICOM lookup table (LUT Descriptor + LUT Data): input `first_mapped` maps to data[0];
// inputs below/above the table clamp to its first/last entry.
struct LookupTable {
  int first_mapped = 0;
  int bits_per_entry = 16;
  std::vector<std::uint16_t> data;
  double Lookup(double input) const;
  double MaxOutput() const { return double((1u << bits_per_entry) - 1); }
};

// Modality LUT Module: a rescale, or a Modality LUT Sequence (which then wins).
struct ModalityTransform {
  double slope = 1.0;
  double intercept = 0.0;
  std::optional<LookupTable> lut;
  double Apply(int stored) const;
};

// VOI LUT Function (0028,1056); LINEAR is the default.
enum class VoiFunction { kLinear, kLinearExact, kSigmoid };

struct Window {
  double center = 0.0;
  double width = 0.0;
  VoiFunction function = VoiFunction::kLinear;
};

// VOI LUT Module: a window, else a VOI LUT Sequence, else (neither present) a linear window
// over the range of modality values actually present in the image.
struct VoiTransform {
  std::optional<Window> window;
  std::optional<LookupTable> lut;
};

// Maps one modality value through a window to 0..255 (PS3.3 C.11.2.1.2).
double ApplyWindow(const Window& window, double modality_value);

struct GreyLevels {
  cv::Mat pixels;  // CV_8UC1 when every value fits in 8 bits, else CV_16UC1
  int bits_stored = 8;
  cv::Mat display;  // CV_8UC1
};

// Runs the whole pipeline over `frame`. Uses 2^bits_stored-entry tables, so it costs one pass
// over the image, two when the file has no VOI (the automatic window needs the values
// present); where the pixels are the stored values themselves the pass copies them.
Status ApplyGreyLevels(const StoredFrame& frame, const SampleLayout& layout,
                       const ModalityTransform& modality, const VoiTransform& voi, bool monochrome1,
                       bool log_exposure, GreyLevels* out);

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_GREY_LEVELS_H_
