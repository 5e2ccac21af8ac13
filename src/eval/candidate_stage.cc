#include "eval/candidate_stage.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "detector/candidate_trace.h"

namespace mammocad {
namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

LostCluster DescribeLost(int image, const SyntheticMammogram& m, const SyntheticCluster& c,
                         const std::vector<bool>& hit, const std::vector<Calcification>& candidates,
                         bool crop) {
  LostCluster lost;
  lost.image = image;
  lost.centre = c.centre;
  lost.spots = static_cast<int>(c.spots.size());
  lost.found = static_cast<int>(std::count(hit.begin(), hit.end(), true));
  std::vector<double> diameters, contrasts;
  int per_kind[kCalcMorphologyCount] = {};
  for (const SyntheticSpot& spot : c.spots) {
    diameters.push_back(spot.diameter_mm);
    contrasts.push_back(spot.contrast);
    ++per_kind[static_cast<int>(spot.morphology)];
  }
  lost.morphology = CalcMorphologyName(
      static_cast<CalcMorphology>(std::max_element(per_kind, per_kind + kCalcMorphologyCount) - per_kind));
  lost.median_diameter_mm = Median(diameters);
  lost.median_contrast = Median(contrasts);
  const int margin = static_cast<int>(c.radius_px) + 16;
  const cv::Rect around = cv::Rect(c.box.x - margin, c.box.y - margin, c.box.width + 2 * margin,
                                   c.box.height + 2 * margin) &
                          cv::Rect(0, 0, m.image.pixels.cols, m.image.pixels.rows);
  if (around.empty()) return lost;
  const double full = m.image.pixels.depth() == CV_16U ? 65535.0 : 255.0;
  lost.tissue = cv::mean(m.image.pixels(around))[0] / full;
  if (!crop) return lost;
  cv::Mat grey;
  cv::normalize(m.image.pixels(around), grey, 0, 255, cv::NORM_MINMAX, CV_8U);
  const int zoom = std::max(1, 400 / std::max(around.width, around.height));
  cv::resize(grey, grey, {}, zoom, zoom, cv::INTER_NEAREST);
  cv::cvtColor(grey, lost.crop, cv::COLOR_GRAY2BGR);
  const cv::Point2f origin(static_cast<float>(around.x), static_cast<float>(around.y));
  for (const Calcification& k : candidates) {
    const cv::Rect r = k.box & around;
    if (r.empty()) continue;
    cv::rectangle(lost.crop, cv::Rect((r.x - around.x) * zoom, (r.y - around.y) * zoom,
                                      r.width * zoom, r.height * zoom),
                  {0, 0, 255}, 1);
  }
  for (std::size_t s = 0; s < c.spots.size(); ++s) {
    const cv::Point2f p = (c.spots[s].centre - origin) * static_cast<float>(zoom);
    const double radius = 0.5 * c.spots[s].diameter_mm / m.image.file_spacing_mm * zoom + 3;
    cv::circle(lost.crop, p, static_cast<int>(radius),
               hit[s] ? cv::Scalar(0, 255, 0) : cv::Scalar(0, 255, 255), 1);
  }
  return lost;
}

}  // namespace

double SpotVisibility(const Image& image, const SyntheticSpot& spot) {
  const double spacing = image.file_spacing_mm > 0 ? image.file_spacing_mm : 0.1;
  const double disc = std::max(1.0, 0.5 * spot.diameter_mm / spacing) + 1.0;
  const double ring_in = disc + 2.0, ring_out = disc + 6.0;
  const int cx = static_cast<int>(std::lround(spot.centre.x));
  const int cy = static_cast<int>(std::lround(spot.centre.y));
  const int reach = static_cast<int>(std::ceil(ring_out));
  double disc_sum = 0, ring_sum = 0, ring_sq = 0;
  int disc_n = 0, ring_n = 0;
  for (int y = cy - reach; y <= cy + reach; ++y) {
    if (y < 0 || y >= image.pixels.rows) continue;
    for (int x = cx - reach; x <= cx + reach; ++x) {
      if (x < 0 || x >= image.pixels.cols) continue;
      const double d = std::hypot(x - cx, y - cy);
      const double v = image.pixels.depth() == CV_16U ? image.pixels.at<std::uint16_t>(y, x)
                                                      : image.pixels.at<std::uint8_t>(y, x);
      if (d <= disc) {
        disc_sum += v;
        ++disc_n;
      } else if (d >= ring_in && d <= ring_out) {
        ring_sum += v;
        ring_sq += v * v;
        ++ring_n;
      }
    }
  }
  if (disc_n == 0 || ring_n < 2) return 0.0;
  const double ring_mean = ring_sum / ring_n;
  const double ring_sd = std::sqrt(std::max(0.0, ring_sq / ring_n - ring_mean * ring_mean));
  const double signal = disc_sum / disc_n - ring_mean;
  if (ring_sd <= 0) return signal > 0 ? 1e9 : 0.0;
  return signal / ring_sd * std::sqrt(static_cast<double>(disc_n));
}

Status MeasureCandidateStage(const Detector& detector, int images, const SyntheticSource& source,
                             int threads, int min_members, double min_spot_hit_radius_mm,
                             bool crop_lost, CandidateStageReport* report) {
  *report = CandidateStageReport();
  const int n = std::max(0, images);
  std::vector<CandidateStageReport> per_image(n);
  const auto one = [&](int i) -> Status {
    SyntheticMammogram m;
    if (Status s = source(i, &m); !s.ok()) return s;
    DetectOptions options;
    options.spacing_override_mm = m.image.file_spacing_mm;
    options.level = FindingLevel::kCalcification;
    DetectionResult result;
    CandidateTrace trace;
    if (Status s = DetectWithTrace(detector, m.image, options, &result, &trace); !s.ok()) {
      return Status(s.code(), "image " + std::to_string(i) + ": " + s.message());
    }
    CandidateStageReport& r = per_image[i];
    r.images = 1;
    r.candidates = static_cast<long>(trace.candidates.size());
    for (const SyntheticCluster& c : m.clusters) {
      int found = 0, visible = 0, visible_found = 0;
      std::vector<bool> hit;
      for (const SyntheticSpot& spot : c.spots) {
        const TruthLesion circle =
            SpotCircle(spot, m.image.file_spacing_mm, min_spot_hit_radius_mm);
        hit.push_back(
            std::any_of(trace.candidates.begin(), trace.candidates.end(),
                        [&](const Calcification& k) { return HitsLesion(k.box, circle); }));
        found += hit.back();
        if (SpotVisibility(m.image, spot) >= kVisibleSpotSnr) {
          ++visible;
          visible_found += hit.back();
          if (!hit.back()) ++r.visible_missed_by_morphology[static_cast<int>(spot.morphology)];
        }
      }
      r.visible_members += visible;
      r.visible_members_found += visible_found;
      if (visible >= min_members) {
        ++r.visible_clusters;
        r.visible_clusters_kept += visible_found >= min_members;
      }
      ++r.clusters;
      r.clusters_kept += found >= min_members;
      if (found < min_members) {
        r.lost.push_back(DescribeLost(i, m, c, hit, trace.candidates, crop_lost));
      }
      r.members += static_cast<int>(c.spots.size());
      r.members_found += found;
    }
    return Status::Ok();
  };
  if (Status s = FanOut(n, threads, one, nullptr); !s.ok()) return s;
  for (const CandidateStageReport& r : per_image) {
    report->images += r.images;
    report->clusters += r.clusters;
    report->clusters_kept += r.clusters_kept;
    report->members += r.members;
    report->members_found += r.members_found;
    report->candidates += r.candidates;
    report->visible_clusters += r.visible_clusters;
    report->visible_clusters_kept += r.visible_clusters_kept;
    report->visible_members += r.visible_members;
    report->visible_members_found += r.visible_members_found;
    for (int k = 0; k < kCalcMorphologyCount; ++k) {
      report->visible_missed_by_morphology[k] += r.visible_missed_by_morphology[k];
    }
    report->lost.insert(report->lost.end(), r.lost.begin(), r.lost.end());
  }
  return Status::Ok();
}

Status WriteLostClusterPictures(const CandidateStageReport& report, const std::string& dir,
                                std::vector<std::string>* written) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot create '" + dir + "': " + ec.message());
  for (const LostCluster& lost : report.lost) {
    if (lost.crop.empty()) continue;
    const std::string name = (std::filesystem::path(dir) /
                              ("lost-" + std::to_string(lost.image) + "-" +
                               std::to_string(static_cast<int>(lost.centre.x)) + "-" +
                               std::to_string(static_cast<int>(lost.centre.y)) + ".png"))
                                 .string();
    bool ok = false;
    try {
      ok = cv::imwrite(name, lost.crop);
    } catch (const cv::Exception&) {
    }
    if (!ok) return Status(ErrorCode::kIoError, "cannot write '" + name + "'");
    written->push_back(name);
  }
  return Status::Ok();
}

}  // namespace mammocad
