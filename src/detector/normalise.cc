// Stage 1: input pixels -> float [0, 1] on the analysis grid.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>
#include <opencv2/imgproc.hpp>

#include "detector/parallel.h"
#include "detector/scratch.h"
#include "detector/stages.h"

namespace mammocad::detail {

namespace {

cv::Mat1f ToUnitFloat(const cv::Mat& pixels, int bits_stored) {
  const double max_value = std::ldexp(1.0, bits_stored) - 1.0;
  cv::Mat1f out = PooledImage(pixels.size());
  pixels.convertTo(out, CV_32F, 1.0 / max_value);
  // Pixels above 2^bits_stored - 1 (stray high bits) saturate instead of leaving [0, 1].
  cv::min(out, 1.0, out);
  return out;
}

// Area resampling along one axis: output pixel i covers input [i * scale, (i + 1) * scale),
// and each input pixel weighs by its overlap with that interval (what INTER_AREA computes).
struct AreaTaps {
  int taps = 0;               // per output pixel, from its first input pixel on
  std::vector<int> first;     // per output pixel
  std::vector<float> weights; // taps per output pixel, zero past the interval's end
};

AreaTaps MakeAreaTaps(int input_size, int output_size) {
  const double scale = static_cast<double>(input_size) / output_size;
  AreaTaps t;
  t.taps = static_cast<int>(std::ceil(scale)) + 1;
  t.first.resize(output_size);
  t.weights.assign(static_cast<size_t>(output_size) * t.taps, 0.0f);
  for (int i = 0; i < output_size; ++i) {
    const double begin = i * scale, end = std::min<double>(input_size, (i + 1) * scale);
    const int first = static_cast<int>(std::floor(begin));
    t.first[i] = first;
    for (int j = 0; j < t.taps && first + j < input_size; ++j) {
      const double overlap = std::min(end, first + j + 1.0) - std::max(begin, first + j + 0.0);
      if (overlap > 0) t.weights[i * t.taps + j] = static_cast<float>(overlap / scale);
    }
  }
  return t;
}

// Output rows [row_begin, row_end) of the area-resampled, unit-scaled image: each output row
// is a weighted sum of a few input rows (element-wise, vectorised), then of a few columns.
// Round half to even, as cv::resize does when it stores its means in the input type (keeping
// that rounding keeps the analysis image, and so the findings, as they were with cv::resize).
// Adding and subtracting 1.5 * 2^23 rounds any float below 2^22 exactly, and vectorises.
inline float RoundToInteger(float v) {
  constexpr float kRounder = 12582912.0f;  // 1.5 * 2^23
  return (v + kRounder) - kRounder;
}

template <typename T>
void ReduceRows(const cv::Mat& pixels, const AreaTaps& rows, const AreaTaps& cols, float unit,
                int row_begin, int row_end, cv::Mat1f* out) {
  std::vector<float> sums(pixels.cols + cols.taps, 0.0f);  // zero tail: taps past the edge
  for (int y = row_begin; y < row_end; ++y) {
    std::fill_n(sums.begin(), pixels.cols, 0.0f);
    for (int j = 0; j < rows.taps; ++j) {
      const float w = rows.weights[y * rows.taps + j];
      if (w == 0.0f) continue;
      const T* in = pixels.ptr<T>(rows.first[y] + j);
      float* s = sums.data();
      for (int x = 0; x < pixels.cols; ++x) s[x] += w * static_cast<float>(in[x]);
    }
    float* o = (*out)[y];
    for (int x = 0; x < out->cols; ++x) {
      const float* s = sums.data() + cols.first[x];
      const float* w = cols.weights.data() + x * cols.taps;
      float mean = 0.0f;
      for (int j = 0; j < cols.taps; ++j) mean += w[j] * s[j];
      // Stray high bits saturate, as in ToUnitFloat.
      o[x] = std::min(RoundToInteger(mean) * unit, 1.0f);
    }
  }
}

// The image reduced to `size` by area averaging (as cv::resize INTER_AREA, means rounded to
// the input type) and scaled to [0, 1], in horizontal strips on up to `threads` threads:
// cv::resize is not parallel with OpenCV's threads off, and costs twice as much. Each output
// row is computed the same way whatever the strips.
cv::Mat1f ReduceToUnitFloat(const cv::Mat& pixels, int bits_stored, cv::Size size, int threads) {
  const double max_value = std::ldexp(1.0, bits_stored) - 1.0;
  const AreaTaps rows = MakeAreaTaps(pixels.rows, size.height);
  const AreaTaps cols = MakeAreaTaps(pixels.cols, size.width);
  const float unit = static_cast<float>(1.0 / max_value);
  cv::Mat1f out = PooledImage(size);
  const int strips = std::max(1, threads);
  ParallelFor(strips, threads, [&](int i) {
    const int begin = size.height * i / strips, end = size.height * (i + 1) / strips;
    if (pixels.depth() == CV_8U) {
      ReduceRows<std::uint8_t>(pixels, rows, cols, unit, begin, end, &out);
    } else {
      ReduceRows<std::uint16_t>(pixels, rows, cols, unit, begin, end, &out);
    }
  });
  return out;
}

}  // namespace

AnalysisImage Normalise(const Image& image, double spacing_mm, const DetectorParams& params,
                        int threads) {
  AnalysisImage out;
  out.spacing_mm = spacing_mm;
  const double factor = params.analysis_spacing_mm / spacing_mm;
  // A few percent finer is not worth a resampling pass.
  constexpr double kResampleTolerance = 1.05;
  if (factor <= kResampleTolerance) {
    out.pixels = ToUnitFloat(image.pixels, image.bits_stored);
    return out;
  }
  const cv::Size full = image.pixels.size();
  const cv::Size size(std::max(1, static_cast<int>(std::lround(full.width / factor))),
                      std::max(1, static_cast<int>(std::lround(full.height / factor))));
  out.pixels = ReduceToUnitFloat(image.pixels, image.bits_stored, size, threads);
  out.scale_x = static_cast<double>(full.width) / size.width;
  out.scale_y = static_cast<double>(full.height) / size.height;
  out.spacing_mm = spacing_mm * std::sqrt(out.scale_x * out.scale_y);
  return out;
}

cv::Point2f ToInputGrid(const AnalysisImage& analysis, cv::Point2f point) {
  // Pixel centres: analysis pixel i covers input [i*s, (i+1)*s).
  return {static_cast<float>((point.x + 0.5) * analysis.scale_x - 0.5),
          static_cast<float>((point.y + 0.5) * analysis.scale_y - 0.5)};
}

cv::Rect ToInputGrid(const AnalysisImage& analysis, cv::Rect box, cv::Size input_size) {
  const int x0 = static_cast<int>(std::floor(box.x * analysis.scale_x));
  const int y0 = static_cast<int>(std::floor(box.y * analysis.scale_y));
  const int x1 = static_cast<int>(std::ceil((box.x + box.width) * analysis.scale_x));
  const int y1 = static_cast<int>(std::ceil((box.y + box.height) * analysis.scale_y));
  return cv::Rect(cv::Point(x0, y0), cv::Point(x1, y1)) & cv::Rect(cv::Point(0, 0), input_size);
}

}  // namespace mammocad::detail
