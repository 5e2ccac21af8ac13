// Stage 4b: features of each candidate for the learned scorer (detector/features.h,
// docs/learned-scoring.md).
#include "detector/features.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {


// Calcification diameters (mm) at which the per-scale contrast features are measured; fixed in
// mm (not the detector's deduplicated scales) so that a feature means the same at any spacing.
constexpr double kFeatureDiametersMm[] = {0.2, 0.45, 1.0};
constexpr double kLocalNoiseWindowMm = 2.0;
constexpr double kRegionalNoiseWindowMm = 16.0;
constexpr double kNeighbourhoodMm = 5.0;  // the detector's cluster link distance
constexpr double kTissueWindowMm = 2.0;   // the tissue around a candidate, for tissue_level
constexpr double kTissueLowPercentile = 0.05, kTissueHighPercentile = 0.95;
constexpr float kNoiseFloor = 1e-6f;


float At(const cv::Mat1f& image, cv::Point2f p) {
  const int x = std::clamp(static_cast<int>(std::lround(p.x)), 0, image.cols - 1);
  const int y = std::clamp(static_cast<int>(std::lround(p.y)), 0, image.rows - 1);
  return image(y, x);
}

std::vector<double> GaussianWeights(double sigma, int radius) {
  std::vector<double> w(2 * radius + 1);
  for (int i = -radius; i <= radius; ++i) w[i + radius] = std::exp(-0.5 * i * i / (sigma * sigma));
  return w;
}

// Difference of Gaussians (sigma, 4 sigma) of `image` at one point, from the pixels around it
// only (weights renormalised at the image border): cheaper than filtering the whole image
// when there are few candidates.
double DogAt(const cv::Mat1f& image, cv::Point centre, double sigma) {
  const double wide = 4.0 * sigma;
  const int radius = static_cast<int>(std::ceil(3.0 * wide));
  const std::vector<double> narrow_w = GaussianWeights(sigma, radius);
  const std::vector<double> wide_w = GaussianWeights(wide, radius);
  double narrow_sum = 0, narrow_norm = 0, wide_sum = 0, wide_norm = 0;
  const int y0 = std::max(0, centre.y - radius), y1 = std::min(image.rows - 1, centre.y + radius);
  const int x0 = std::max(0, centre.x - radius), x1 = std::min(image.cols - 1, centre.x + radius);
  for (int y = y0; y <= y1; ++y) {
    const double ny = narrow_w[y - centre.y + radius], wy = wide_w[y - centre.y + radius];
    const float* row = image[y];
    double n_row = 0, n_norm = 0, w_row = 0, w_norm = 0;
    for (int x = x0; x <= x1; ++x) {
      const double nx = narrow_w[x - centre.x + radius], wx = wide_w[x - centre.x + radius];
      n_row += nx * row[x];
      n_norm += nx;
      w_row += wx * row[x];
      w_norm += wx;
    }
    narrow_sum += ny * n_row;
    narrow_norm += ny * n_norm;
    wide_sum += wy * w_row;
    wide_norm += wy * w_norm;
  }
  return narrow_sum / std::max(narrow_norm, 1e-12) - wide_sum / std::max(wide_norm, 1e-12);
}

// Mean |pixel - its 3x3 mean| over a window: the pixel noise level, in image units.
cv::Mat1f HighPassLevel(const cv::Mat1f& image, int window) {
  cv::Mat1f smooth, level;
  cv::blur(image, smooth, cv::Size(3, 3), cv::Point(-1, -1), cv::BORDER_REFLECT);
  cv::Mat1f magnitude = cv::abs(image - smooth);
  cv::blur(magnitude, level, cv::Size(window, window), cv::Point(-1, -1), cv::BORDER_REFLECT);
  return level;
}

// Like the detector's line test: along the best of 8 directions, the lower of the two responses
// at `radius_px` on either side, relative to the centre's response.
double Lineness(const cv::Mat1f& response, cv::Point2f centre, double radius_px) {
  const float peak = std::max(At(response, centre), 1e-6f);
  double most = -1.0;
  constexpr int kDirections = 8;
  for (int i = 0; i < kDirections; ++i) {
    const double angle = M_PI * i / kDirections;
    const cv::Point2f step(static_cast<float>(radius_px * std::cos(angle)),
                           static_cast<float>(radius_px * std::sin(angle)));
    most = std::max(most, static_cast<double>(std::min(At(response, centre + step),
                                                       At(response, centre - step))));
  }
  return most / peak;
}

// Mean response on a ring around the centre relative to the centre: how sharply it peaks.
double RingRatio(const cv::Mat1f& response, cv::Point2f centre, double radius_px) {
  const float peak = std::max(At(response, centre), 1e-6f);
  double sum = 0;
  constexpr int kSamples = 12;
  for (int i = 0; i < kSamples; ++i) {
    const double angle = 2 * M_PI * i / kSamples;
    sum += At(response, centre + cv::Point2f(static_cast<float>(radius_px * std::cos(angle)),
                                             static_cast<float>(radius_px * std::sin(angle))));
  }
  return sum / kSamples / peak;
}

struct Neighbourhood {
  int count = 0;
  float strongest_mean = 0.0f;  // mean contrast of the (up to) 2 strongest neighbours
};

std::vector<Neighbourhood> Neighbourhoods(const std::vector<Calcification>& calcs,
                                          double radius_px) {
  std::vector<Neighbourhood> out(calcs.size());
  const double r2 = radius_px * radius_px;
  for (size_t i = 0; i < calcs.size(); ++i) {
    float best = 0, second = 0;
    for (size_t j = 0; j < calcs.size(); ++j) {
      if (i == j) continue;
      const cv::Point2f d = calcs[i].centre - calcs[j].centre;
      if (d.dot(d) > r2) continue;
      ++out[i].count;
      const float c = static_cast<float>(calcs[j].contrast);
      if (c > best) { second = best; best = c; } else if (c > second) { second = c; }
    }
    const int strongest = std::min(out[i].count, 2);
    out[i].strongest_mean = strongest > 0 ? (best + (strongest == 2 ? second : 0)) / strongest : 0;
  }
  return out;
}

// The grey levels at the low and high percentiles of the breast (whole image if `breast` is
// empty): fatty and dense tissue of this image, whatever the scanner's grey scale.
std::pair<float, float> TissueRange(const cv::Mat1f& image, const cv::Mat1b& breast) {
  constexpr int kBins = 1024;
  std::vector<int> histogram(kBins, 0);
  int total = 0;
  for (int y = 0; y < image.rows; ++y) {
    const float* row = image[y];
    const unsigned char* inside = breast.empty() ? nullptr : breast[y];
    for (int x = 0; x < image.cols; ++x) {
      if (inside && !inside[x]) continue;
      ++histogram[std::clamp(static_cast<int>(row[x] * kBins), 0, kBins - 1)];
      ++total;
    }
  }
  const auto level_at = [&](double fraction) {
    const double wanted = fraction * total;
    int seen = 0;
    for (int b = 0; b < kBins; ++b) {
      seen += histogram[b];
      if (seen >= wanted) return (b + 0.5f) / kBins;
    }
    return 1.0f;
  };
  return {level_at(kTissueLowPercentile), level_at(kTissueHighPercentile)};
}

// Mean grey level of the window x window box around `centre` (clipped at the border).
float MeanAround(const cv::Mat1f& image, cv::Point centre, int window) {
  const cv::Rect box = cv::Rect(centre.x - window / 2, centre.y - window / 2, window, window) &
                       cv::Rect(0, 0, image.cols, image.rows);
  return box.empty() ? 0.0f : static_cast<float>(cv::mean(image(box))[0]);
}

int WindowPx(double mm, double spacing_mm) {
  return std::max(3, static_cast<int>(std::lround(mm / spacing_mm)) | 1);
}

}  // namespace

const std::vector<std::string>& CandidateFeatureNames() {
  static const std::vector<std::string> names = {
      "contrast_sigma",       // peak enhanced response, noise sigmas (the hand-made score's input)
      "diameter_mm",          // equivalent diameter of the thresholded component
      "lineness",             // response along the best direction / peak (1 on a line)
      "dog_0.2mm",            // DoG at 0.2, 0.45, 1 mm calcification scales / local pixel noise
      "dog_0.45mm",
      "dog_1mm",
      "local_noise_ratio",    // pixel noise in 2 mm / in 16 mm around (texture, edges)
      "neighbours_5mm",       // log(1 + other candidates within 5 mm)
      "neighbour_contrast",   // mean contrast of the 2 strongest of them (0: none)
      "fill",                 // component area / its bounding box area
      "aspect",               // bounding box long side / short side
      "ring_ratio",           // mean response one radius out / peak (sharpness)
      "tissue_level",         // mean grey level in 2 mm around, 0 at the breast's 5th
                              // percentile, 1 at its 95th: calcifications form in glandular
                              // (dense) tissue, not in fat
  };
  return names;
}

std::vector<std::vector<float>> ComputeCandidateFeatures(const cv::Mat1f& image,
                                                         const cv::Mat1f& response,
                                                         const cv::Mat1b& breast,
                                                         const std::vector<Calcification>& calcs,
                                                         double spacing_mm,
                                                         const DetectorParams& params) {
  std::vector<std::vector<float>> features;
  if (calcs.empty()) return features;
  const cv::Mat1f local_noise = HighPassLevel(image, WindowPx(kLocalNoiseWindowMm, spacing_mm));
  const cv::Mat1f regional_noise =
      HighPassLevel(image, WindowPx(kRegionalNoiseWindowMm, spacing_mm));
  const std::vector<Neighbourhood> neighbours = Neighbourhoods(calcs, kNeighbourhoodMm / spacing_mm);
  const auto [fat_level, dense_level] = TissueRange(image, breast);
  const float tissue_span = std::max(dense_level - fat_level, 1e-3f);
  const int tissue_window = WindowPx(kTissueWindowMm, spacing_mm);
  for (size_t i = 0; i < calcs.size(); ++i) {
    const Calcification& c = calcs[i];
    const cv::Point centre(std::clamp(static_cast<int>(std::lround(c.centre.x)), 0, image.cols - 1),
                           std::clamp(static_cast<int>(std::lround(c.centre.y)), 0, image.rows - 1));
    const float noise = std::max(local_noise(centre), kNoiseFloor);
    const double diameter_px = c.diameter_mm / spacing_mm;
    std::vector<float> f;
    f.push_back(static_cast<float>(c.contrast));
    f.push_back(static_cast<float>(c.diameter_mm));
    f.push_back(static_cast<float>(
        Lineness(response, c.centre,
                 std::max(std::max(params.line_ring_radius_mm, c.diameter_mm) / spacing_mm, 1.0))));
    for (double d : kFeatureDiametersMm) {
      const double sigma = std::max(0.5, d / spacing_mm / (2.0 * std::sqrt(2.0)));
      f.push_back(static_cast<float>(DogAt(image, centre, sigma) / noise));
    }
    f.push_back(noise / std::max(regional_noise(centre), kNoiseFloor));
    f.push_back(static_cast<float>(std::log1p(neighbours[i].count)));
    f.push_back(neighbours[i].strongest_mean);
    const double box_area = std::max(1, c.box.area());
    f.push_back(static_cast<float>(std::min(1.0, M_PI * diameter_px * diameter_px / 4 / box_area)));
    f.push_back(static_cast<float>(std::max(c.box.width, c.box.height)) /
                static_cast<float>(std::max(1, std::min(c.box.width, c.box.height))));
    f.push_back(static_cast<float>(RingRatio(response, c.centre, std::max(1.0, diameter_px / 2 + 1))));
    f.push_back((MeanAround(image, centre, tissue_window) - fat_level) / tissue_span);
    features.push_back(std::move(f));
  }
  return features;
}

}  // namespace mammocad
