// Stage 4: candidate calcifications = connected bright spots of the enhanced image.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <opencv2/imgproc.hpp>

#include "detector/handmade_scorer.h"
#include "detector/parallel.h"
#include "detector/stages.h"

namespace mammocad::detail {
namespace {

// A horizontal run of above-threshold pixels: row y, columns [begin, end).
struct Run {
  int y, begin, end;
};

// The runs of rows [first, end) where response > threshold inside the mask, in raster order.
void FindRuns(const cv::Mat1f& response, const cv::Mat1b& mask, float threshold, int first,
              int end, std::vector<Run>* runs) {
  for (int y = first; y < end; ++y) {
    const float* r = response[y];
    const std::uint8_t* m = mask[y];
    for (int x = 0; x < response.cols;) {
      if (!(r[x] > threshold && m[x])) { ++x; continue; }
      const int begin = x;
      while (x < response.cols && r[x] > threshold && m[x]) ++x;
      runs->push_back({y, begin, x});
    }
  }
}

// Runs of all rows, scanned in `threads` strips (candidate pixels are sparse: the scan is
// nearly all the work).
std::vector<Run> FindRunsInStrips(const cv::Mat1f& response, const cv::Mat1b& mask,
                                  float threshold, int threads) {
  const int strips = std::max(1, threads);
  std::vector<std::vector<Run>> parts(strips);
  ParallelFor(strips, threads, [&](int i) {
    FindRuns(response, mask, threshold, response.rows * i / strips,
             response.rows * (i + 1) / strips, &parts[i]);
  });
  std::vector<Run> runs;
  for (const std::vector<Run>& part : parts) runs.insert(runs.end(), part.begin(), part.end());
  return runs;
}

int Root(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

// Labels the 8-connected components of the runs: result[i] is run i's component, components
// numbered in the raster order of their first pixel (as OpenCV numbers its labels).
std::vector<int> LabelRuns(const std::vector<Run>& runs, int* count) {
  std::vector<int> parent(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) parent[i] = static_cast<int>(i);
  // Runs of the previous row touch a run if their columns overlap when widened by one.
  size_t previous_row = 0, row = 0;
  while (row < runs.size()) {
    size_t row_end = row;
    while (row_end < runs.size() && runs[row_end].y == runs[row].y) ++row_end;
    if (previous_row < row && runs[previous_row].y == runs[row].y - 1) {
      size_t above = previous_row;
      for (size_t i = row; i < row_end; ++i) {
        while (above < row && runs[above].end < runs[i].begin) ++above;
        for (size_t j = above; j < row && runs[j].begin <= runs[i].end; ++j) {
          const int a = Root(parent, static_cast<int>(i)), b = Root(parent, static_cast<int>(j));
          parent[std::max(a, b)] = std::min(a, b);  // the earlier run stays the root
        }
      }
    }
    previous_row = row;
    row = row_end;
  }
  std::vector<int> label(runs.size());
  *count = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    const int root = Root(parent, static_cast<int>(i));
    label[i] = root == static_cast<int>(i) ? (*count)++ : label[root];
  }
  return label;
}

// One component: its pixels' count and bounding box, highest response (first in raster
// order), and response-weighted centre.
struct Component {
  int area = 0;
  cv::Rect box;
  float peak_value = 0.0f;
  cv::Point peak;
  double sum = 0, sum_x = 0, sum_y = 0;
};

std::vector<Component> MeasureRuns(const cv::Mat1f& response, const std::vector<Run>& runs,
                                   const std::vector<int>& label, int count) {
  std::vector<Component> components(count);
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& run = runs[i];
    Component& c = components[label[i]];
    const cv::Rect extent(run.begin, run.y, run.end - run.begin, 1);
    c.box = c.area == 0 ? extent : (c.box | extent);
    c.area += extent.width;
    const float* row = response[run.y];
    for (int x = run.begin; x < run.end; ++x) {
      const float v = row[x];
      if (v > c.peak_value) { c.peak_value = v; c.peak = {x, run.y}; }
      c.sum += v; c.sum_x += v * x; c.sum_y += v * run.y;
    }
  }
  return components;
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

// A component as a calcification, or nothing if too large or on a line.
std::optional<Calcification> MeasureComponent(const cv::Mat1f& response, const Component& c,
                                              double spacing_mm, const DetectorParams& p) {
  const double area_mm2 = c.area * spacing_mm * spacing_mm;
  const double diameter_mm = 2.0 * std::sqrt(area_mm2 / M_PI);
  if (diameter_mm > p.max_candidate_diameter_mm) return std::nullopt;
  // The ring must clear the spot itself: at least one diameter out from the peak.
  const double ring_px =
      std::max(std::max(p.line_ring_radius_mm, diameter_mm) / spacing_mm, 1.0);
  if (Lineness(response, c.peak, c.peak_value, ring_px, p.line_directions) > p.max_lineness) {
    return std::nullopt;
  }
  Calcification calc;
  calc.box = c.box;
  calc.centre = {static_cast<float>(c.sum_x / c.sum), static_cast<float>(c.sum_y / c.sum)};
  calc.diameter_mm = std::max(diameter_mm, spacing_mm);
  calc.contrast = c.peak_value;
  calc.score = HandmadeCandidateScore(c.peak_value, p);
  return calc;
}

}  // namespace

std::vector<Calcification> FindCandidates(const cv::Mat1f& response, const cv::Mat1b& mask,
                                          double spacing_mm, const DetectorParams& p,
                                          int threads) {
  // Candidate pixels are a tiny fraction of the image: runs and a union-find over them cost
  // a fraction of connectedComponentsWithStats on the whole image (which visits every pixel
  // twice and writes a label image), and the scan runs in strips.
  const std::vector<Run> runs = FindRunsInStrips(
      response, mask, static_cast<float>(p.candidate_threshold_sigma), threads);
  int count = 0;
  const std::vector<int> label = LabelRuns(runs, &count);
  std::vector<Calcification> found;
  for (const Component& c : MeasureRuns(response, runs, label, count)) {
    if (auto calc = MeasureComponent(response, c, spacing_mm, p)) found.push_back(*calc);
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

bool SecondLookRuns(const DetectorParams& p, double spacing_mm) {
  return p.second_look_threshold_sigma > 0 &&
         p.second_look_threshold_sigma < p.candidate_threshold_sigma &&
         spacing_mm <= p.second_look_max_spacing_mm;
}

std::vector<Calcification> FindFaintNeighbours(const cv::Mat1f& response, const cv::Mat1b& mask,
                                               const std::vector<Calcification>& scored,
                                               double spacing_mm, const DetectorParams& p,
                                               int threads) {
  if (!SecondLookRuns(p, spacing_mm)) return {};
  cv::Mat1b near(mask.size(), uchar{0});
  const int reach =
      std::max(1, static_cast<int>(std::lround(p.cluster_link_distance_mm / spacing_mm)));
  bool any_seed = false;
  for (const Calcification& k : scored) {
    if (k.score < p.second_look_seed_score || k.contrast < p.second_look_seed_sigma) {
      continue;
    }
    cv::circle(near, cv::Point(cvRound(k.centre.x), cvRound(k.centre.y)), reach, 255, cv::FILLED);
    any_seed = true;
  }
  if (!any_seed) return {};
  near &= mask;
  DetectorParams faint = p;
  faint.candidate_threshold_sigma = p.second_look_threshold_sigma;
  std::vector<Calcification> found = FindCandidates(response, near, spacing_mm, faint, threads);
  std::erase_if(found, [&](const Calcification& f) {
    return std::any_of(scored.begin(), scored.end(),
                       [&](const Calcification& k) { return (f.box & k.box).area() > 0; });
  });
  return found;
}

}  // namespace mammocad::detail
