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

// The table index (stored value - lowest stored value) of each sample of a row: for native
// samples the bits_stored bits ending at high_bit, with the sign bit flipped when signed
// (two's complement + 2^(bits-1) = the index); decoded values are clamped to the range first.
class RowIndexer {
 public:
  RowIndexer(const StoredFrame& frame, const SampleLayout& layout)
      : frame_(frame),
        shift_(layout.high_bit + 1 - layout.bits_stored),
        mask_((1u << layout.bits_stored) - 1u),
        flip_(layout.is_signed ? 1u << (layout.bits_stored - 1) : 0u),
        min_stored_(MinStoredValue(layout)),
        max_stored_(MaxStoredValue(layout)) {}

  void Row(int row, std::uint16_t* indices) const {
    const int n = frame_.columns;
    const std::size_t first = std::size_t(row) * std::size_t(n);
    switch (frame_.samples) {
      case StoredFrame::Samples::kNative8:
        Native(static_cast<const std::uint8_t*>(frame_.data) + first, n, indices);
        break;
      case StoredFrame::Samples::kNative16:
        Native(static_cast<const std::uint16_t*>(frame_.data) + first, n, indices);
        break;
      case StoredFrame::Samples::kDecoded32: {
        const std::int32_t* in = static_cast<const std::int32_t*>(frame_.data) + first;
        for (int c = 0; c < n; ++c) {
          indices[c] = std::uint16_t(std::clamp(in[c], min_stored_, max_stored_) - min_stored_);
        }
        break;
      }
    }
  }

 private:
  template <typename Sample>
  void Native(const Sample* in, int n, std::uint16_t* indices) const {
    for (int c = 0; c < n; ++c) {  // vectorised: no branch per sample
      indices[c] = std::uint16_t(((std::uint32_t(in[c]) >> shift_) & mask_) ^ flip_);
    }
  }

  const StoredFrame& frame_;
  int shift_;
  std::uint32_t mask_, flip_;
  int min_stored_, max_stored_;
};

// Range of `values` over the stored values that occur in the image (for the automatic window).
std::pair<double, double> PresentRange(const std::vector<std::uint8_t>& present,
                                       const std::vector<double>& values) {
  double low = std::numeric_limits<double>::max(), high = std::numeric_limits<double>::lowest();
  for (std::size_t i = 0; i < present.size(); ++i) {
    if (!present[i]) continue;
    low = std::min(low, values[i]);
    high = std::max(high, values[i]);
  }
  return {low, high};
}

template <typename Pixel>
void MapRow(const std::uint16_t* indices, int n, bool identity,
            const std::vector<std::uint16_t>& pixel_table, Pixel* pixels) {
  if (identity) {
    for (int c = 0; c < n; ++c) pixels[c] = Pixel(indices[c]);  // vectorised copy
  } else {
    for (int c = 0; c < n; ++c) pixels[c] = Pixel(pixel_table[indices[c]]);
  }
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

Status NativeFrame(const void* data, std::size_t size_bytes, int rows, int columns,
                   const SampleLayout& layout, StoredFrame* frame) {
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
  frame->samples = layout.bits_allocated == 8 ? StoredFrame::Samples::kNative8
                                              : StoredFrame::Samples::kNative16;
  frame->data = data;
  frame->size_bytes = needed;
  frame->rows = rows;
  frame->columns = columns;
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

Status ApplyGreyLevels(const StoredFrame& frame, const SampleLayout& layout,
                       const ModalityTransform& modality, const VoiTransform& voi, bool monochrome1,
                       bool log_exposure, GreyLevels* out) {
  const std::size_t sample_bytes = frame.samples == StoredFrame::Samples::kNative8    ? 1
                                   : frame.samples == StoredFrame::Samples::kNative16 ? 2
                                                                                      : 4;
  if (frame.data == nullptr || frame.rows < 1 || frame.columns < 1 ||
      frame.size_bytes < std::size_t(frame.rows) * std::size_t(frame.columns) * sample_bytes ||
      layout.bits_stored < 1 || layout.bits_stored > 16) {
    return Status(ErrorCode::kInternal, "grey-level pipeline given an unexpected frame");
  }
  const int min_stored = MinStoredValue(layout);
  const int max_stored = MaxStoredValue(layout);

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

  std::vector<std::uint16_t> pixel_table(modality_values.size());
  bool identity = true;  // the pixels are the table indices themselves
  for (std::size_t i = 0; i < modality_values.size(); ++i) {
    long pixel = std::lround((detector_values[i] - scaling.offset) * scaling.scale);
    pixel = std::clamp(pixel, 0L, long(scaling.max_pixel));
    if (monochrome1) pixel = scaling.max_pixel - pixel;
    pixel_table[i] = std::uint16_t(pixel);
    identity = identity && pixel == long(i);
  }

  const bool fits_in_8_bits = scaling.max_pixel <= 255;
  out->bits_stored = BitWidth(scaling.max_pixel);
  out->pixels.create(frame.rows, frame.columns, fits_in_8_bits ? CV_8UC1 : CV_16UC1);
  out->display.create(frame.rows, frame.columns, CV_8UC1);
  const RowIndexer indexer(frame, layout);
  std::vector<std::uint16_t> indices(std::size_t(frame.columns));
  const auto map_pixels = [&](int row) {
    if (fits_in_8_bits) {
      MapRow(indices.data(), frame.columns, identity, pixel_table,
             out->pixels.ptr<std::uint8_t>(row));
    } else {
      MapRow(indices.data(), frame.columns, identity, pixel_table,
             out->pixels.ptr<std::uint16_t>(row));
    }
  };

  // A window or VOI LUT from the file is defined on modality values. Without one, the display
  // spans what the detector sees, over the values present: a first pass finds them (and
  // writes the pixels), a second writes the display.
  const bool file_voi = voi.window || voi.lut;
  Window automatic_window;
  if (!file_voi) {
    std::vector<std::uint8_t> present(modality_values.size(), 0);
    for (int row = 0; row < frame.rows; ++row) {
      indexer.Row(row, indices.data());
      for (const std::uint16_t index : indices) present[index] = 1;
      map_pixels(row);
    }
    const auto [present_low, present_high] = PresentRange(present, detector_values);
    automatic_window = Window{(present_low + present_high) / 2,
                              std::max(present_high - present_low, 1e-9),
                              VoiFunction::kLinearExact};
  }
  std::vector<std::uint8_t> display_table(modality_values.size());
  for (std::size_t i = 0; i < modality_values.size(); ++i) {
    const std::uint8_t shown =
        ToDisplayByte(file_voi ? ApplyVoi(voi, automatic_window, modality_values[i])
                               : ApplyWindow(automatic_window, detector_values[i]));
    display_table[i] = monochrome1 ? std::uint8_t(255 - shown) : shown;
  }
  for (int row = 0; row < frame.rows; ++row) {
    indexer.Row(row, indices.data());
    if (file_voi) map_pixels(row);
    std::uint8_t* shown = out->display.ptr<std::uint8_t>(row);
    for (int column = 0; column < frame.columns; ++column) {
      shown[column] = display_table[indices[column]];
    }
  }
  return Status::Ok();
}

}  // namespace mammocad::dicom_internal
