// Stage 2: breast mask. The breast is the largest bright component of a coarse, smoothed copy;
// film labels and markers are separate smaller components and are dropped with the background.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "detector/breast_region.h"
#include "detector/scratch.h"
#include "detector/stages.h"

namespace mammocad::detail {
namespace {

// The coarse copy, smoothed (film grain, noise) and as 8-bit for Otsu's threshold.
cv::Mat1b CoarseSmoothed8u(const cv::Mat1f& image, double spacing_mm, const DetectorParams& p,
                           double* factor) {
  *factor = std::max(1.0, p.mask_spacing_mm / spacing_mm);
  cv::Mat1f coarse;
  const cv::Size size(std::max(1, static_cast<int>(std::lround(image.cols / *factor))),
                      std::max(1, static_cast<int>(std::lround(image.rows / *factor))));
  cv::resize(image, coarse, size, 0, 0, cv::INTER_AREA);
  const double coarse_spacing = spacing_mm * *factor;
  const double sigma = p.mask_smoothing_mm / coarse_spacing;
  cv::GaussianBlur(coarse, coarse, cv::Size(), sigma, sigma, cv::BORDER_REFLECT);
  cv::Mat1b out;
  coarse.convertTo(out, CV_8U, 255.0);
  return out;
}

cv::Mat1b LargestComponent(const cv::Mat1b& binary, double min_area_fraction) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S,
                                                 cv::CCL_GRANA);
  int best = 0, best_area = 0;
  for (int i = 1; i < n; ++i) {
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    if (area > best_area) { best = i; best_area = area; }
  }
  cv::Mat1b out = cv::Mat1b::zeros(binary.size());
  if (best == 0 || best_area < min_area_fraction * binary.total()) return out;
  out.setTo(255, labels == best);
  return out;
}

// Holes (dark fatty regions enclosed by tissue) are breast too: everything not reachable
// from the border through background belongs to the breast.
cv::Mat1b FillHoles(const cv::Mat1b& mask) {
  cv::Mat1b padded;
  cv::copyMakeBorder(mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  cv::Mat1b outside = padded.clone();
  cv::floodFill(outside, cv::Point(0, 0), 255);
  const cv::Mat1b filled = padded | ~outside;
  return filled(cv::Rect(1, 1, mask.cols, mask.rows)).clone();
}

}  // namespace

cv::Mat1b ComputeBreastMask(const cv::Mat1f& image, double spacing_mm, const DetectorParams& p) {
  double factor = 1.0;
  const cv::Mat1b coarse = CoarseSmoothed8u(image, spacing_mm, p, &factor);
  // Otsu's threshold splits background from tissue, but with much dense tissue it lands
  // between fatty and dense tissue and cuts off the fatty periphery near the skin; the
  // breast threshold is therefore a fraction of it (triangle thresholds, the usual remedy,
  // fall into the film-versus-scanner step of digitised films).
  cv::Mat1b binary;
  const double otsu = cv::threshold(coarse, binary, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  cv::threshold(coarse, binary, otsu * p.mask_otsu_fraction, 255, cv::THRESH_BINARY);
  cv::Mat1b mask = FillHoles(LargestComponent(binary, p.mask_min_area_fraction));

  // Erode with a zero border so the margin also keeps away from the image edges (film edges
  // and scanner borders are bright artefacts). A rectangle erodes 4x faster than an ellipse.
  const double coarse_spacing = spacing_mm * factor;
  const int margin = static_cast<int>(std::lround(p.mask_margin_mm / coarse_spacing));
  if (margin > 0) {
    const cv::Mat kernel =
        cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * margin + 1, 2 * margin + 1));
    cv::erode(mask, mask, kernel, cv::Point(-1, -1), 1, cv::BORDER_CONSTANT, cv::Scalar(0));
  }
  cv::Mat1b full = PooledMat(image.size(), CV_8U);
  cv::resize(mask, full, image.size(), 0, 0, cv::INTER_NEAREST);
  return full;
}

std::vector<double> DistancesToOutlineMm(const cv::Mat1b& mask, double spacing_mm,
                                         const DetectorParams& p,
                                         const std::vector<cv::Point2f>& points) {
  std::vector<double> distances(points.size(), 0.0);
  if (mask.empty() || points.empty()) return distances;
  const double factor = std::max(1.0, p.mask_spacing_mm / spacing_mm);
  const cv::Size size(std::max(1, static_cast<int>(std::lround(mask.cols / factor))),
                      std::max(1, static_cast<int>(std::lround(mask.rows / factor))));
  cv::Mat1b coarse;
  cv::resize(mask, coarse, size, 0, 0, cv::INTER_NEAREST);
  cv::Mat1f inside;
  cv::distanceTransform(coarse, inside, cv::DIST_L2, 3);
  const double sx = static_cast<double>(coarse.cols) / mask.cols;
  const double sy = static_cast<double>(coarse.rows) / mask.rows;
  for (size_t i = 0; i < points.size(); ++i) {
    const int x = std::clamp(static_cast<int>(points[i].x), 0, mask.cols - 1);
    const int y = std::clamp(static_cast<int>(points[i].y), 0, mask.rows - 1);
    if (!mask(y, x)) continue;
    const int cx = std::clamp(static_cast<int>(x * sx), 0, coarse.cols - 1);
    const int cy = std::clamp(static_cast<int>(y * sy), 0, coarse.rows - 1);
    distances[i] = inside(cy, cx) * spacing_mm / sx + p.mask_margin_mm;
  }
  return distances;
}

}  // namespace mammocad::detail

namespace mammocad {

cv::Mat1b BreastRegionOnInputGrid(const Image& image, double spacing_mm,
                                  const DetectorParams& params) {
  const detail::AnalysisImage analysis = detail::Normalise(image, spacing_mm, params);
  const cv::Mat1b mask = detail::ComputeBreastMask(analysis.pixels, analysis.spacing_mm, params);
  cv::Mat1b input_grid;
  cv::resize(mask, input_grid, image.pixels.size(), 0, 0, cv::INTER_NEAREST);
  return input_grid;
}

}  // namespace mammocad
