#include "eval/false_sources.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace mammocad {
namespace {

double DistanceToSegment(cv::Point2f p, cv::Point2f a, cv::Point2f b) {
  const cv::Point2f ab = b - a;
  const double length2 = ab.dot(ab);
  const double t = length2 > 0 ? std::clamp((p - a).dot(ab) / length2, 0.0, 1.0) : 0.0;
  const cv::Point2f nearest(static_cast<float>(a.x + t * ab.x), static_cast<float>(a.y + t * ab.y));
  return std::hypot(p.x - nearest.x, p.y - nearest.y);
}

double DistanceToRect(cv::Point2f p, const cv::Rect& r) {
  const double dx = std::max({r.x - p.x, 0.0f, p.x - (r.x + r.width)});
  const double dy = std::max({r.y - p.y, 0.0f, p.y - (r.y + r.height)});
  return std::hypot(dx, dy);
}

// Pixels from `p` to what `b` drew: its axis or points where it has them, else its box.
double DistanceToDrawn(cv::Point2f p, const SyntheticBenign& b, double spacing_mm) {
  switch (b.kind) {
    case BenignKind::kVascular:
    case BenignKind::kScannerLine:
    case BenignKind::kScratch: {
      if (b.points.empty()) break;
      double best = std::hypot(static_cast<double>(p.x - b.points[0].x), p.y - b.points[0].y);
      for (size_t i = 1; i < b.points.size(); ++i) {
        best = std::min(best, DistanceToSegment(p, b.points[i - 1], b.points[i]));
      }
      // A vessel's walls lie either side of its axis.
      const double walls = b.kind == BenignKind::kVascular ? b.wall_gap_mm / 2 / spacing_mm : 0;
      return std::max(0.0, best - walls);
    }
    case BenignKind::kDust: {
      if (b.points.empty()) break;
      double best = std::numeric_limits<double>::max();
      for (const cv::Point2f& q : b.points) {
        best = std::min(best, static_cast<double>(std::hypot(p.x - q.x, p.y - q.y)));
      }
      return best;
    }
    default:
      break;
  }
  return DistanceToRect(p, b.box);
}

}  // namespace

std::optional<BenignKind> BenignUnder(const cv::Rect& box,
                                      const std::vector<SyntheticBenign>& benign,
                                      double spacing_mm, double reach_mm) {
  const cv::Point2f centre(box.x + 0.5f * box.width, box.y + 0.5f * box.height);
  const double reach = 0.5 * std::hypot(box.width, box.height) + reach_mm / spacing_mm;
  std::optional<BenignKind> under;
  double nearest = std::numeric_limits<double>::max();
  for (const SyntheticBenign& b : benign) {
    const double d = DistanceToDrawn(centre, b, spacing_mm);
    if (d <= reach && d < nearest) {
      nearest = d;
      under = b.kind;
    }
  }
  return under;
}

std::string FalseSourcesPerImage(const EvaluationReport& report, double min_score) {
  std::map<int, int> counts;  // BenignKind as int; -1: tissue or noise
  for (const ImageEvaluation& e : report.images) {
    for (size_t i = 0; i < e.findings.size() && i < e.false_sources.size(); ++i) {
      if (e.findings[i].lesion >= 0 || e.findings[i].score < min_score) continue;
      const std::optional<BenignKind>& kind = e.false_sources[i];
      ++counts[kind ? static_cast<int>(*kind) : -1];
    }
  }
  const double images = std::max<size_t>(1, report.images.size());
  std::string line;
  char item[64];
  for (int k = static_cast<int>(BenignKind::kVascular); k <= static_cast<int>(BenignKind::kLabel);
       ++k) {
    std::snprintf(item, sizeof item, "%s %.2f, ",
                  std::string(BenignKindName(static_cast<BenignKind>(k))).c_str(),
                  counts[k] / images);
    line += item;
  }
  std::snprintf(item, sizeof item, "tissue or noise %.2f", counts[-1] / images);
  return line + item;
}

}  // namespace mammocad
