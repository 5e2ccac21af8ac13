// Calcification morphologies as unions of small ellipsoids (docs/simulator.md).
#include "synth/calcification_model.h"

#include <algorithm>
#include <cmath>

namespace mammocad::synth {
namespace {

constexpr int kSupersampling = 8;  // per axis: a 0.1 mm calcification is half a 0.2 mm pixel
constexpr double kMinGapMm = 0.2;  // between the outlines of two calcifications of a cluster

// Size ranges (longest extent, mm) typical of each morphology, intersected with the model's.
struct SizeRange {
  double lo, hi;
};
SizeRange MorphologySizes(CalcMorphology morphology) {
  switch (morphology) {
    case CalcMorphology::kPunctate: return {0.1, 0.5};
    case CalcMorphology::kAmorphous: return {0.1, 0.35};
    case CalcMorphology::kPleomorphic: return {0.25, 1.0};
    case CalcMorphology::kLinear: return {0.4, 1.0};
  }
  return {0.1, 1.0};
}

double DrawSize(CalcMorphology morphology, const CalcificationModel& m, std::mt19937_64& rng) {
  const SizeRange r = MorphologySizes(morphology);
  double lo = std::max(r.lo, m.min_size_mm), hi = std::min(r.hi, m.max_size_mm);
  if (lo > hi) lo = hi = std::clamp(lo, m.min_size_mm, m.max_size_mm);
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// A round-ish calcification: one ellipsoid, thickness = its smaller diameter.
std::vector<CalcBlob> RoundBlob(double size, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> elongation(0.8, 1.0), angle(0.0, M_PI);
  const double a = size / 2, b = a * elongation(rng);
  return {{cv::Point2f(0, 0), a, b, angle(rng), 2 * b}};
}

}  // namespace

std::vector<CalcBlob> LobedBlobs(double size, const LobeShape& shape, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> count(shape.min_count, shape.max_count);
  std::uniform_real_distribution<double> unit(0.0, 1.0), angle(0.0, 2 * M_PI);
  std::vector<CalcBlob> blobs;
  const int n = count(rng);
  for (int i = 0; i < n; ++i) {
    const double a = size / 2 * (shape.min_semi + shape.semi_range * unit(rng));
    const double b = a * (shape.min_ratio + shape.ratio_range * unit(rng));
    const double reach = (size / 2 - a) * (i == 0 ? 0.0 : unit(rng));  // first blob central
    const double direction = angle(rng);
    const cv::Point2f offset(static_cast<float>(reach * std::cos(direction)),
                             static_cast<float>(reach * std::sin(direction)));
    blobs.push_back({offset, a, b, angle(rng), 2 * b});
  }
  return blobs;
}

namespace {

// Irregular: 2-4 ellipsoids of different sizes, each wholly inside the size/2 disc.
std::vector<CalcBlob> PleomorphicBlobs(double size, std::mt19937_64& rng) {
  return LobedBlobs(size, {2, 4, 0.3, 0.4, 0.4, 0.5}, rng);
}

// Thin rods (casts of a duct): one or two collinear segments of 0.1-0.2 mm width.
std::vector<CalcBlob> LinearBlobs(double length, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> width(0.1, 0.2), angle(0.0, M_PI), unit(0.0, 1.0);
  const double direction = angle(rng), b = width(rng) / 2;
  if (unit(rng) < 0.6) return {{cv::Point2f(0, 0), length / 2, b, direction, 2 * b}};
  // Broken rod: two segments with a small gap, together `length` long.
  const double gap = 0.1 * length, half = (length - gap) / 4;
  const cv::Point2f along(static_cast<float>(std::cos(direction)),
                          static_cast<float>(std::sin(direction)));
  const float shift = static_cast<float>(half + gap / 2);
  return {{along * shift, half, b, direction, 2 * b}, {along * -shift, half, b, direction, 2 * b}};
}

double MaxThickness(const std::vector<CalcBlob>& blobs) {
  double most = 0;
  for (const CalcBlob& b : blobs) most = std::max(most, b.thickness_mm);
  return most;
}

// Calcium thickness (mm) of one blob at `p` (mm from the calcification centre).
double BlobThickness(const CalcBlob& blob, double px, double py) {
  const double dx = px - blob.offset_mm.x, dy = py - blob.offset_mm.y;
  const double c = std::cos(blob.angle_rad), s = std::sin(blob.angle_rad);
  const double u = (dx * c + dy * s) / blob.semi_major_mm;
  const double v = (-dx * s + dy * c) / blob.semi_minor_mm;
  const double rho2 = u * u + v * v;
  return rho2 < 1.0 ? blob.thickness_mm * std::sqrt(1.0 - rho2) : 0.0;
}

}  // namespace

double CalciumThickness(const std::vector<CalcBlob>& blobs, double x_mm, double y_mm) {
  double t = 0;
  for (const CalcBlob& b : blobs) t += BlobThickness(b, x_mm, y_mm);
  return t;
}

SyntheticSpot MakeCalcification(const CalcificationModel& m, std::mt19937_64& rng) {
  SyntheticSpot spot;
  std::uniform_int_distribution<size_t> pick(0, m.morphologies.size() - 1);
  spot.morphology = m.morphologies.empty() ? CalcMorphology::kPunctate : m.morphologies[pick(rng)];
  const double size = DrawSize(spot.morphology, m, rng);
  switch (spot.morphology) {
    case CalcMorphology::kPunctate:
    case CalcMorphology::kAmorphous: spot.blobs = RoundBlob(size, rng); break;
    case CalcMorphology::kPleomorphic: spot.blobs = PleomorphicBlobs(size, rng); break;
    case CalcMorphology::kLinear: spot.blobs = LinearBlobs(size, rng); break;
  }
  spot.diameter_mm = size;
  std::uniform_real_distribution<double> spread(1.0 - m.contrast_spread, 1.0 + m.contrast_spread);
  double gain = m.contrast_per_mm * spread(rng);
  if (spot.morphology == CalcMorphology::kAmorphous) gain *= m.amorphous_contrast_factor;
  spot.contrast = gain * MaxThickness(spot.blobs);
  return spot;
}

SyntheticCluster MakeModelCluster(cv::Point2f centre, const CalcificationModel& m,
                                  double spacing_mm, std::mt19937_64& rng) {
  SyntheticCluster cluster;
  cluster.centre = centre;
  std::uniform_real_distribution<double> radius(m.min_cluster_radius_mm, m.max_cluster_radius_mm);
  std::uniform_int_distribution<int> count(m.min_calcs_per_cluster, m.max_calcs_per_cluster);
  cluster.radius_px = radius(rng) / spacing_mm;
  const int n = count(rng);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  constexpr int kMaxTries = 2000;
  for (int tries = 0; static_cast<int>(cluster.spots.size()) < n && tries < kMaxTries; ++tries) {
    SyntheticSpot spot = MakeCalcification(m, rng);
    // Uniform in the disc shrunk by the spot's half size, so it lies wholly inside.
    const double room = std::max(0.0, cluster.radius_px - spot.diameter_mm / 2 / spacing_mm);
    const double r = room * std::sqrt(unit(rng)), a = 2 * M_PI * unit(rng);
    spot.centre = centre + cv::Point2f(static_cast<float>(r * std::cos(a)),
                                       static_cast<float>(r * std::sin(a)));
    const bool clear = std::none_of(
        cluster.spots.begin(), cluster.spots.end(), [&](const SyntheticSpot& other) {
          const double gap_px = ((spot.diameter_mm + other.diameter_mm) / 2 + kMinGapMm) / spacing_mm;
          return cv::norm(other.centre - spot.centre) < gap_px;
        });
    if (clear) cluster.spots.push_back(std::move(spot));
  }
  cluster.box = SpotsBoundingBox(cluster.spots, spacing_mm);
  return cluster;
}

cv::Rect SpotsBoundingBox(const std::vector<SyntheticSpot>& spots, double spacing_mm) {
  cv::Rect bounds;
  for (const SyntheticSpot& s : spots) {
    const double r = s.diameter_mm / spacing_mm / 2.0;
    const cv::Rect box(cv::Point(static_cast<int>(std::floor(s.centre.x - r)),
                                 static_cast<int>(std::floor(s.centre.y - r))),
                       cv::Point(static_cast<int>(std::ceil(s.centre.x + r)) + 1,
                                 static_cast<int>(std::ceil(s.centre.y + r)) + 1));
    bounds = bounds.empty() ? box : (bounds | box);
  }
  return bounds;
}

void DrawCalcification(const SyntheticSpot& spot, double spacing_mm, cv::Mat1f* layer) {
  const double thickness = MaxThickness(spot.blobs);
  if (thickness <= 0) return;
  const double gain = spot.contrast / thickness;  // intensity per mm of calcium
  const double reach = spot.diameter_mm / spacing_mm / 2.0 + 1.0;
  const int x0 = std::max(0, static_cast<int>(std::floor(spot.centre.x - reach)));
  const int y0 = std::max(0, static_cast<int>(std::floor(spot.centre.y - reach)));
  const int x1 = std::min(layer->cols - 1, static_cast<int>(std::ceil(spot.centre.x + reach)));
  const int y1 = std::min(layer->rows - 1, static_cast<int>(std::ceil(spot.centre.y + reach)));
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      double sum = 0;
      for (int sy = 0; sy < kSupersampling; ++sy) {
        for (int sx = 0; sx < kSupersampling; ++sx) {
          const double px = (x - 0.5 + (sx + 0.5) / kSupersampling - spot.centre.x) * spacing_mm;
          const double py = (y - 0.5 + (sy + 0.5) / kSupersampling - spot.centre.y) * spacing_mm;
          sum += CalciumThickness(spot.blobs, px, py);
        }
      }
      (*layer)(y, x) += static_cast<float>(gain * sum / (kSupersampling * kSupersampling));
    }
  }
}

double ModelBlurSigmaPx(const CalcificationModel& m, double spacing_mm) {
  return std::hypot(m.focal_blur_mm / spacing_mm, m.detector_blur_px);
}

}  // namespace mammocad::synth
