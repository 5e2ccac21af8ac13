// Stage 1: input pixels -> float [0, 1] on the analysis grid.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "detector/stages.h"

namespace mammocad::detail {

namespace {

cv::Mat1f ToUnitFloat(const cv::Mat& pixels, int bits_stored) {
  const double max_value = std::ldexp(1.0, bits_stored) - 1.0;
  cv::Mat1f out;
  pixels.convertTo(out, CV_32F, 1.0 / max_value);
  // Pixels above 2^bits_stored - 1 (stray high bits) saturate instead of leaving [0, 1].
  cv::min(out, 1.0, out);
  return out;
}

}  // namespace

AnalysisImage Normalise(const Image& image, double spacing_mm, const DetectorParams& params) {
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
  // Resampled in the input type: half the memory traffic of converting the full image first.
  // (Averaging rounds to the input's integer steps; that is far below the noise.)
  cv::Mat reduced;
  cv::resize(image.pixels, reduced, size, 0, 0, cv::INTER_AREA);
  out.pixels = ToUnitFloat(reduced, image.bits_stored);
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
