#include "dicom/grey_levels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace mammocad::dicom_internal {
namespace {

Status Corrupt(const std::string& what) { return Status(ErrorCode::kCorruptImage, what); }

int MinStoredValue(const SampleLayout& layout) {
  return layout.is_signed ? -(1 << (layout.bits_stored - 1)) : 0;
}

int MaxStoredValue(const SampleLayout& layout) {
  return layout.is_signed ? (1 << (layout.bits_stored - 1)) - 1 : (1 << layout.bits_stored) - 1;
}

template <typename Sample>
void UnpackRows(const Sample* samples, const SampleLayout& layout, cv::Mat* stored) {
  const int shift = layout.high_bit + 1 - layout.bits_stored;
  const std::uint32_t mask = (1u << layout.bits_stored) - 1u;
  const std::uint32_t sign_bit = 1u << (layout.bits_stored - 1);
  for (int row = 0; row < stored->rows; ++row) {
    std::int32_t* out = stored->ptr<std::int32_t>(row);
    const Sample* in = samples + std::size_t(row) * stored->cols;
    for (int column = 0; column < stored->cols; ++column) {
      std::uint32_t value = (std::uint32_t(in[column]) >> shift) & mask;
      out[column] = (layout.is_signed && (value & sign_bit))
                        ? std::int32_t(value) - std::int32_t(mask) - 1
                        : std::int32_t(value);
    }
  }
}

// How modality values become `pixels`: pixel = round((value - offset) * scale).
struct PixelScaling {
  double offset = 0.0;
  double scale = 1.0;
  int max_pixel = 0;
};

bool AllIntegral(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](double v) { return std::isfinite(v) && v == std::floor(v); });
}

int BitWidth(int value) {
  int bits = 1;
  while (bits < 16 && (1 << bits) <= value) ++bits;
  return bits;
}

PixelScaling ChoosePixelScaling(const std::vector<double>& modality_values, int bits_stored) {
  const auto [lowest, highest] =
      std::minmax_element(modality_values.begin(), modality_values.end());
  const double low = *lowest, high = *highest;
  PixelScaling scaling;
  if (AllIntegral(modality_values) && low >= 0.0 && high <= 65535.0) {
    scaling.max_pixel = int(high);  // exact modality values
  } else if (AllIntegral(modality_values) && high - low <= 65535.0) {
    scaling.offset = low;  // exact, shifted so that the lowest is 0
    scaling.max_pixel = int(high - low);
  } else {
    // Fractional or too wide: spread linearly over the precision the file stored.
    const int target_max = (1 << std::clamp(bits_stored, 8, 16)) - 1;
    scaling.offset = low;
    scaling.scale = (high > low && std::isfinite(high - low)) ? target_max / (high - low) : 0.0;
    scaling.max_pixel = scaling.scale > 0.0 ? target_max : 0;
  }
  return scaling;
}

// Stored values become table indices 0..max-min, clamped: a codestream may carry more bits
// than Bits Stored admits.
struct TableIndex {
  int min_stored;
  int max_stored;
  std::size_t operator()(std::int32_t stored) const {
    return std::size_t(std::clamp(stored, min_stored, max_stored) - min_stored);
  }
};

// Range of `values` over the stored values that occur in the image (for the automatic window).
std::pair<double, double> PresentRange(const cv::Mat& stored, const TableIndex& to_index,
                                       const std::vector<double>& values) {
  std::vector<std::uint8_t> present(values.size(), 0);
  for (int row = 0; row < stored.rows; ++row) {
    const std::int32_t* in = stored.ptr<std::int32_t>(row);
    for (int column = 0; column < stored.cols; ++column) present[to_index(in[column])] = 1;
  }
  double low = std::numeric_limits<double>::max(), high = std::numeric_limits<double>::lowest();
  for (std::size_t i = 0; i < present.size(); ++i) {
    if (!present[i]) continue;
    low = std::min(low, values[i]);
    high = std::max(high, values[i]);
  }
  return {low, high};
}

double ApplyVoi(const VoiTransform& voi, const Window& automatic_window, double modality_value) {
  if (voi.window) return ApplyWindow(*voi.window, modality_value);
  if (voi.lut) return voi.lut->Lookup(modality_value) / voi.lut->MaxOutput() * 255.0;
  return ApplyWindow(automatic_window, modality_value);
}

std::uint8_t ToDisplayByte(double value) {
  return static_cast<std::uint8_t>(std::clamp(std::lround(value), 0L, 255L));
}

}  // namespace

Status UnpackNativeSamples(const void* data, std::size_t size_bytes, int rows, int columns,
                           const SampleLayout& layout, cv::Mat* stored) {
  if (layout.bits_allocated != 8 && layout.bits_allocated != 16) {
    return Corrupt("Bits Allocated must be 8 or 16 for a greyscale image");
  }
  if (layout.bits_stored < 1 || layout.bits_stored > layout.bits_allocated ||
      layout.high_bit < layout.bits_stored - 1 || layout.high_bit >= layout.bits_allocated) {
    return Corrupt("Bits Stored/High Bit do not fit Bits Allocated");
  }
  const std::size_t needed = std::size_t(rows) * std::size_t(columns) * (layout.bits_allocated / 8);
  if (data == nullptr || size_bytes < needed) {
    return Corrupt("Pixel Data is shorter than Rows x Columns");
  }
  stored->create(rows, columns, CV_32SC1);
  if (layout.bits_allocated == 8) {
    UnpackRows(static_cast<const std::uint8_t*>(data), layout, stored);
  } else {
    UnpackRows(static_cast<const std::uint16_t*>(data), layout, stored);
  }
  return Status::Ok();
}

double LookupTable::Lookup(double input) const {
  if (data.empty()) return 0.0;
  const double index = std::clamp(std::floor(input) - first_mapped, 0.0, double(data.size() - 1));
  return data[static_cast<std::size_t>(index)];
}

double ModalityTransform::Apply(int stored) const {
  if (lut) return lut->Lookup(stored);
  return stored * slope + intercept;
}

double ApplyWindow(const Window& window, double x) {
  const double c = window.center, w = window.width;
  switch (window.function) {
    case VoiFunction::kLinearExact:
      if (x <= c - w / 2) return 0.0;
      if (x > c + w / 2) return 255.0;
      return ((x - c) / w + 0.5) * 255.0;
    case VoiFunction::kSigmoid:
      return 255.0 / (1.0 + std::exp(-4.0 * (x - c) / w));
    case VoiFunction::kLinear:
      break;
  }
  if (w <= 1.0) return x <= c - 0.5 ? 0.0 : 255.0;  // a width-1 window is a threshold
  if (x <= c - 0.5 - (w - 1) / 2) return 0.0;
  if (x > c - 0.5 + (w - 1) / 2) return 255.0;
  return ((x - (c - 0.5)) / (w - 1) + 0.5) * 255.0;
}

Status ApplyGreyLevels(const cv::Mat& stored, const SampleLayout& layout,
                       const ModalityTransform& modality, const VoiTransform& voi, bool monochrome1,
                       bool log_exposure, GreyLevels* out) {
  if (stored.type() != CV_32SC1 || layout.bits_stored < 1 || layout.bits_stored > 16) {
    return Status(ErrorCode::kInternal, "grey-level pipeline given an unexpected frame");
  }
  const int min_stored = MinStoredValue(layout);
  const int max_stored = MaxStoredValue(layout);

  const TableIndex to_index{min_stored, max_stored};
  std::vector<double> modality_values(std::size_t(max_stored - min_stored) + 1);
  for (std::size_t i = 0; i < modality_values.size(); ++i) {
    modality_values[i] = modality.Apply(min_stored + int(i));
  }

  // What the detector gets: the modality values, or their logarithm for raw exposure data.
  std::vector<double> detector_values = modality_values;
  if (log_exposure) {
    const double lowest = *std::min_element(modality_values.begin(), modality_values.end());
    for (double& value : detector_values) value = std::log1p(value - lowest);
  }
  const PixelScaling scaling = ChoosePixelScaling(detector_values, layout.bits_stored);
  // Without a VOI in the file, the display spans what the detector sees.
  const auto [present_low, present_high] = PresentRange(stored, to_index, detector_values);
  const Window automatic_window{(present_low + present_high) / 2,
                                std::max(present_high - present_low, 1e-9),
                                VoiFunction::kLinearExact};

  std::vector<std::uint16_t> pixel_table(modality_values.size());
  std::vector<std::uint8_t> display_table(modality_values.size());
  for (std::size_t i = 0; i < modality_values.size(); ++i) {
    const double m = modality_values[i], d = detector_values[i];
    long pixel = std::lround((d - scaling.offset) * scaling.scale);
    pixel = std::clamp(pixel, 0L, long(scaling.max_pixel));
    // A window or VOI LUT from the file is defined on modality values; ours on detector values.
    const bool file_voi = voi.window || voi.lut;
    std::uint8_t shown = ToDisplayByte(file_voi ? ApplyVoi(voi, automatic_window, m)
                                                : ApplyWindow(automatic_window, d));
    if (monochrome1) {
      pixel = scaling.max_pixel - pixel;
      shown = std::uint8_t(255 - shown);
    }
    pixel_table[i] = std::uint16_t(pixel);
    display_table[i] = shown;
  }

  const bool fits_in_8_bits = scaling.max_pixel <= 255;
  out->bits_stored = BitWidth(scaling.max_pixel);
  out->pixels.create(stored.rows, stored.cols, fits_in_8_bits ? CV_8UC1 : CV_16UC1);
  out->display.create(stored.rows, stored.cols, CV_8UC1);
  for (int row = 0; row < stored.rows; ++row) {
    const std::int32_t* in = stored.ptr<std::int32_t>(row);
    std::uint8_t* shown = out->display.ptr<std::uint8_t>(row);
    if (fits_in_8_bits) {
      std::uint8_t* pixels = out->pixels.ptr<std::uint8_t>(row);
      for (int column = 0; column < stored.cols; ++column) {
        const std::size_t i = to_index(in[column]);
        pixels[column] = std::uint8_t(pixel_table[i]);
        shown[column] = display_table[i];
      }
    } else {
      std::uint16_t* pixels = out->pixels.ptr<std::uint16_t>(row);
      for (int column = 0; column < stored.cols; ++column) {
        const std::size_t i = to_index(in[column]);
        pixels[column] = pixel_table[i];
        shown[column] = display_table[i];
      }
    }
  }
  return Status::Ok();
}

}  // namespace mammocad::dicom_internal
