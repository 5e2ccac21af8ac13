// Stage 3: multi-scale bright-spot enhancement with local noise normalisation.
//
// At each scale a difference of Gaussians (spot sigma minus background_ratio times that sigma)
// responds to bright spots of about that size. Mammogram noise grows with the signal and the
// anatomical texture varies across the breast, so each response is divided by its own local
// robust noise estimate: the output is in noise sigmas and one threshold fits every region,
// image and scanner.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

// For a Gaussian, sigma = sqrt(pi / 2) * E|x|.
const double kSigmaPerMeanAbs = std::sqrt(M_PI / 2.0);

// A disc of diameter d is best matched by a Gaussian of sigma d / (2 sqrt 2) (the LoG scale
// whose zero crossing sits on the disc edge).
double SpotSigmaForDiameter(double diameter_px) { return diameter_px / (2.0 * std::sqrt(2.0)); }

cv::Mat1f Blur(const cv::Mat1f& image, double sigma) {
  cv::Mat1f out;
  cv::GaussianBlur(image, out, cv::Size(), sigma, sigma, cv::BORDER_REFLECT);
  return out;
}

cv::Mat1f BoxMean(const cv::Mat1f& image, int window) {
  cv::Mat1f out;
  cv::boxFilter(image, out, CV_32F, cv::Size(window, window), cv::Point(-1, -1), true,
                cv::BORDER_REFLECT);
  return out;
}

}  // namespace

std::vector<double> SpotSigmasPx(double spacing_mm, const DetectorParams& p) {
  std::vector<double> sigmas;
  const int n = std::max(1, p.enhancement_scales);
  const double ratio = p.max_calc_diameter_mm / p.min_calc_diameter_mm;
  for (int i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / (n - 1);
    const double diameter_mm = p.min_calc_diameter_mm * std::pow(ratio, t);
    const double sigma = std::max(p.min_filter_sigma_px,
                                  SpotSigmaForDiameter(diameter_mm / spacing_mm));
    // Scales closer than 10% respond alike: one is enough.
    constexpr double kDistinctScaleRatio = 1.1;
    if (sigmas.empty() || sigma > sigmas.back() * kDistinctScaleRatio) sigmas.push_back(sigma);
  }
  return sigmas;
}

cv::Mat1f LocalNoiseSigma(const cv::Mat1f& response, double spacing_mm, const DetectorParams& p) {
  const int window = std::max(3, 2 * static_cast<int>(p.noise_window_mm / spacing_mm / 2) + 1);
  const cv::Mat1f magnitude = cv::abs(response);
  cv::Mat1f sigma = BoxMean(magnitude, window) * kSigmaPerMeanAbs;
  // Second pass with the outliers (spots, edges) clipped: a bright calcification must not
  // raise the noise estimate that its own contrast is measured against.
  const cv::Mat1f clip_level = sigma * p.noise_clip_sigma;
  const cv::Mat1f clipped = cv::min(magnitude, clip_level);
  sigma = BoxMean(clipped, window) * kSigmaPerMeanAbs;
  sigma = cv::max(sigma, p.noise_floor);
  return sigma;
}

cv::Mat1f EnhanceAtScale(const cv::Mat1f& image, double spot_sigma_px, double spacing_mm,
                         const DetectorParams& p) {
  const cv::Mat1f spot = Blur(image, spot_sigma_px);
  const cv::Mat1f background = Blur(image, spot_sigma_px * p.background_ratio);
  const cv::Mat1f response = spot - background;
  cv::Mat1f normalised;
  cv::divide(response, LocalNoiseSigma(response, spacing_mm, p), normalised);
  return normalised;
}

cv::Mat1f EnhanceSpots(const cv::Mat1f& image, double spacing_mm, const DetectorParams& p) {
  cv::Mat1f best;
  for (double sigma : SpotSigmasPx(spacing_mm, p)) {
    const cv::Mat1f response = EnhanceAtScale(image, sigma, spacing_mm, p);
    if (best.empty()) best = response; else best = cv::max(best, response);
  }
  return best;
}

}  // namespace mammocad::detail
