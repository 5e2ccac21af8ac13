// Stage 4: candidate calcifications = connected bright spots of the enhanced image.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

struct Peak {
  float value = 0.0f;
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
      peak.value = std::max(peak.value, v);
      sum += v; sum_x += v * x; sum_y += v * y;
    }
  }
  if (sum > 0) peak.weighted_centre = {static_cast<float>(sum_x / sum),
                                       static_cast<float>(sum_y / sum)};
  return peak;
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
  const double pixel_area_mm2 = spacing_mm * spacing_mm;
  std::vector<Calcification> found;
  for (int i = 1; i < n; ++i) {
    const double area_mm2 = stats.at<int>(i, cv::CC_STAT_AREA) * pixel_area_mm2;
    const double diameter_mm = 2.0 * std::sqrt(area_mm2 / M_PI);
    if (diameter_mm > p.max_candidate_diameter_mm) continue;
    const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                       stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    const Peak peak = ComponentPeak(response, labels, i, box);
    Calcification calc;
    calc.box = box;
    calc.centre = peak.weighted_centre;
    calc.diameter_mm = std::max(diameter_mm, spacing_mm);
    calc.contrast = peak.value;
    calc.score = CandidateScore(peak.value, p);
    found.push_back(calc);
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
