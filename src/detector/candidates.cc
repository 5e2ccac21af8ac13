// Stage 4: candidate calcifications = connected bright spots of the enhanced image.
#include <algorithm>
#include <cmath>
#include <optional>
#include <opencv2/imgproc.hpp>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

struct Peak {
  float value = 0.0f;
  cv::Point location;
  cv::Point2f weighted_centre;
};

// Highest response of component `label` and its response-weighted centre (sub-pixel).
Peak ComponentPeak(const cv::Mat1f& response, const cv::Mat1i& labels, int label, cv::Rect box) {
  Peak peak;
  double sum = 0, sum_x = 0, sum_y = 0;
  for (int y = box.y; y < box.y + box.height; ++y) {
    const int* label_row = labels[y];
    const float* value_row = response[y];
    for (int x = box.x; x < box.x + box.width; ++x) {
      if (label_row[x] != label) continue;
      const float v = value_row[x];
      if (v > peak.value) { peak.value = v; peak.location = {x, y}; }
      sum += v; sum_x += v * x; sum_y += v * y;
    }
  }
  if (sum > 0) peak.weighted_centre = {static_cast<float>(sum_x / sum),
                                       static_cast<float>(sum_y / sum)};
  return peak;
}

float Sample(const cv::Mat1f& image, cv::Point2f p) {
  const int x = std::clamp(static_cast<int>(std::lround(p.x)), 0, image.cols - 1);
  const int y = std::clamp(static_cast<int>(std::lround(p.y)), 0, image.rows - 1);
  return image(y, x);
}

// Vessels, duct walls and tissue edges are bright lines, and a spot filter answers them too.
// A line keeps its response on both sides along its direction; a spot drops all around. So
// sample a ring around the peak and take, over directions, the lower of two opposite samples:
// its maximum relative to the peak is ~1 on a line and ~0 (or below) on a spot.
double Lineness(const cv::Mat1f& response, cv::Point peak, float peak_value, double radius_px,
                int directions) {
  double most = -1.0;
  for (int i = 0; i < directions; ++i) {
    const double angle = M_PI * i / directions;
    const cv::Point2f step(static_cast<float>(radius_px * std::cos(angle)),
                           static_cast<float>(radius_px * std::sin(angle)));
    const cv::Point2f centre(peak);
    const float both_sides =
        std::min(Sample(response, centre + step), Sample(response, centre - step));
    most = std::max(most, static_cast<double>(both_sides));
  }
  return most / peak_value;
}

// Component `label` as a calcification, or nothing if too large or on a line.
std::optional<Calcification> MeasureComponent(const cv::Mat1f& response, const cv::Mat1i& labels,
                                              const cv::Mat& stats, int label, double spacing_mm,
                                              const DetectorParams& p) {
  const double area_mm2 = stats.at<int>(label, cv::CC_STAT_AREA) * spacing_mm * spacing_mm;
  const double diameter_mm = 2.0 * std::sqrt(area_mm2 / M_PI);
  if (diameter_mm > p.max_candidate_diameter_mm) return std::nullopt;
  const cv::Rect box(stats.at<int>(label, cv::CC_STAT_LEFT), stats.at<int>(label, cv::CC_STAT_TOP),
                     stats.at<int>(label, cv::CC_STAT_WIDTH),
                     stats.at<int>(label, cv::CC_STAT_HEIGHT));
  const Peak peak = ComponentPeak(response, labels, label, box);
  // The ring must clear the spot itself: at least one diameter out from the peak.
  const double ring_px =
      std::max(std::max(p.line_ring_radius_mm, diameter_mm) / spacing_mm, 1.0);
  if (Lineness(response, peak.location, peak.value, ring_px, p.line_directions) >
      p.max_lineness) {
    return std::nullopt;
  }
  Calcification calc;
  calc.box = box;
  calc.centre = peak.weighted_centre;
  calc.diameter_mm = std::max(diameter_mm, spacing_mm);
  calc.contrast = peak.value;
  calc.score = CandidateScore(peak.value, p);
  return calc;
}

}  // namespace

double CandidateScore(double contrast_sigma, const DetectorParams& p) {
  return 1.0 / (1.0 + std::exp(-(contrast_sigma - p.score_midpoint_sigma) / p.score_slope_sigma));
}

std::vector<Calcification> FindCandidates(const cv::Mat1f& response, const cv::Mat1b& mask,
                                          double spacing_mm, const DetectorParams& p) {
  cv::Mat1b above;
  cv::compare(response, p.candidate_threshold_sigma, above, cv::CMP_GT);
  above &= mask;

  cv::Mat1i labels;
  cv::Mat stats, centroids;
  const int n = cv::connectedComponentsWithStats(above, labels, stats, centroids, 8, CV_32S,
                                                 cv::CCL_GRANA);
  std::vector<Calcification> found;
  for (int i = 1; i < n; ++i) {
    if (auto calc = MeasureComponent(response, labels, stats, i, spacing_mm, p)) {
      found.push_back(*calc);
    }
  }
  const auto by_score = [](const Calcification& a, const Calcification& b) {
    return a.score > b.score;
  };
  if (static_cast<int>(found.size()) > p.max_candidates) {
    std::nth_element(found.begin(), found.begin() + p.max_candidates, found.end(), by_score);
    found.resize(p.max_candidates);
  }
  std::sort(found.begin(), found.end(), by_score);
  return found;
}

}  // namespace mammocad::detail
