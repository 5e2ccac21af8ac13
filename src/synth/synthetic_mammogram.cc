// Synthetic mammograms: see synth/synthetic.h for the model.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <random>

#include "synth/synthetic.h"
#include "synth/benign_model.h"
#include "synth/calcification_model.h"
#include "synth/insertion.h"

namespace mammocad {
namespace {

// Model constants: intensities in [0, 1]; they shape the phantom, not the detector.
constexpr double kBackgroundLevel = 0.04;  // air / unexposed film
constexpr double kSkinLevel = 0.25;        // tissue at the skin line (thin breast)
constexpr double kThicknessGain = 0.25;    // added at full compressed thickness
constexpr double kDuctAmplitude = 0.03;
constexpr double kDuctWidthMm = 1.5;
constexpr double kSystemBlurMm = 0.05;           // focal spot + detector blur of the spots
constexpr double kNoiseReferenceLevel = 0.5;     // options.noise_sigma holds at this intensity
constexpr int kAnatomyDecimation = 4;            // structure is smooth: synthesise it coarse
constexpr double kClusterPlacementRadius = 0.7;  // cluster centres within this ellipse fraction
constexpr int kSupersampling = 4;                // per axis, for the spots' partial volume

struct BreastShape {
  double centre_y, semi_x, semi_y;  // half-ellipse against x = 0
  // Normalised elliptical radius: < 1 inside the breast.
  double Radius(double x, double y) const {
    const double u = x / semi_x, v = (y - centre_y) / semi_y;
    return std::sqrt(u * u + v * v);
  }
};

BreastShape ShapeFor(const SyntheticOptions& o, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> jitter(0.9, 1.0);
  return {o.height / 2.0, 0.85 * o.width * jitter(rng), 0.47 * o.height * jitter(rng)};
}

// Gaussian noise filtered to a power spectrum ~ 1/f^exponent (amplitude ~ f^-exponent/2),
// unit variance.
cv::Mat1f PowerLawField(cv::Size size, double exponent, cv::RNG& rng) {
  const cv::Size small(std::max(8, size.width / kAnatomyDecimation),
                       std::max(8, size.height / kAnatomyDecimation));
  cv::Mat1f white(small);
  rng.fill(white, cv::RNG::NORMAL, 0.0, 1.0);
  cv::Mat spectrum;
  cv::dft(white, spectrum, cv::DFT_COMPLEX_OUTPUT);
  for (int y = 0; y < small.height; ++y) {
    const double fy = std::min(y, small.height - y) / static_cast<double>(small.height);
    for (int x = 0; x < small.width; ++x) {
      const double fx = std::min(x, small.width - x) / static_cast<double>(small.width);
      const double f = std::hypot(fx, fy);
      const double gain = f > 0 ? std::pow(f, -exponent / 2) : 0.0;
      spectrum.at<cv::Vec2f>(y, x) *= static_cast<float>(gain);
    }
  }
  cv::Mat1f field;
  cv::idft(spectrum, field, cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
  cv::Scalar mean, stddev;
  cv::meanStdDev(field, mean, stddev);
  field = (field - mean[0]) / std::max(stddev[0], 1e-12);
  cv::Mat1f full;
  cv::resize(field, full, size, 0, 0, cv::INTER_CUBIC);
  return full;
}

// Blurred curved lines from the nipple towards the chest wall.
cv::Mat1f Ducts(const SyntheticOptions& o, const BreastShape& shape, std::mt19937_64& rng) {
  cv::Mat1f ducts = cv::Mat1f::zeros(o.height, o.width);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  const cv::Point2d nipple(shape.semi_x * 0.95, shape.centre_y);
  const int thickness = std::max(1, static_cast<int>(std::lround(kDuctWidthMm / o.spacing_mm)));
  for (int i = 0; i < o.ducts; ++i) {
    const cv::Point2d end(0.0, shape.centre_y + 0.8 * shape.semi_y * unit(rng));
    const cv::Point2d bend = (nipple + end) * 0.5 + cv::Point2d(0, 0.2 * shape.semi_y * unit(rng));
    std::vector<cv::Point> curve;
    constexpr int kSegments = 32;
    for (int k = 0; k <= kSegments; ++k) {  // quadratic Bezier
      const double t = static_cast<double>(k) / kSegments;
      const cv::Point2d p = (1 - t) * (1 - t) * nipple + 2 * (1 - t) * t * bend + t * t * end;
      curve.emplace_back(static_cast<int>(p.x), static_cast<int>(p.y));
    }
    cv::polylines(ducts, curve, false, cv::Scalar(kDuctAmplitude), thickness, cv::LINE_AA);
  }
  const double sigma = kDuctWidthMm / o.spacing_mm / 2.0;
  cv::GaussianBlur(ducts, ducts, cv::Size(), sigma, sigma);
  return ducts;
}

cv::Mat1f Anatomy(const SyntheticOptions& o, const BreastShape& shape, cv::Mat1b* breast,
                  std::mt19937_64& rng, cv::RNG& cv_rng) {
  const cv::Mat1f structure =
      PowerLawField({o.width, o.height}, o.anatomy_power_exponent, cv_rng);
  const cv::Mat1f ducts = Ducts(o, shape, rng);
  cv::Mat1f image(o.height, o.width);
  *breast = cv::Mat1b::zeros(o.height, o.width);
  for (int y = 0; y < o.height; ++y) {
    for (int x = 0; x < o.width; ++x) {
      const double r = shape.Radius(x, y);
      if (r >= 1.0) {
        image(y, x) = static_cast<float>(kBackgroundLevel);
        continue;
      }
      (*breast)(y, x) = 255;
      const double thickness = std::sqrt(1.0 - r * r);  // compressed breast thins at the skin
      const double tissue = kSkinLevel + kThicknessGain * thickness +
                            thickness * (o.anatomy_amplitude * structure(y, x) + ducts(y, x));
      image(y, x) = static_cast<float>(std::clamp(tissue, 0.05, 0.95));
    }
  }
  return image;
}

cv::Point2f RandomPointInDisc(cv::Point2f centre, double radius, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double r = radius * std::sqrt(unit(rng)), a = 2 * M_PI * unit(rng);
  return centre +
         cv::Point2f(static_cast<float>(r * std::cos(a)), static_cast<float>(r * std::sin(a)));
}

// Places the spots of one cluster, never overlapping one another.
SyntheticCluster MakeCluster(cv::Point2f centre, const SyntheticOptions& o, std::mt19937_64& rng) {
  SyntheticCluster cluster;
  cluster.centre = centre;
  cluster.radius_px = o.cluster_radius_mm / o.spacing_mm;
  std::uniform_int_distribution<int> count(o.min_calcs_per_cluster, o.max_calcs_per_cluster);
  std::uniform_real_distribution<double> diameter(o.min_spot_diameter_mm, o.max_spot_diameter_mm);
  std::uniform_real_distribution<double> contrast(o.min_contrast, o.max_contrast);
  const int n = count(rng);
  const double min_gap_px = (o.max_spot_diameter_mm + 0.3) / o.spacing_mm;
  constexpr int kMaxTries = 1000;
  for (int tries = 0; static_cast<int>(cluster.spots.size()) < n && tries < kMaxTries; ++tries) {
    const cv::Point2f p = RandomPointInDisc(centre, cluster.radius_px, rng);
    const bool clear =
        std::none_of(cluster.spots.begin(), cluster.spots.end(),
                     [&](const SyntheticSpot& s) { return cv::norm(s.centre - p) < min_gap_px; });
    if (clear) cluster.spots.push_back({p, diameter(rng), contrast(rng), CalcMorphology::kPunctate, {}});
  }
  cluster.box = synth::SpotsBoundingBox(cluster.spots, o.spacing_mm);
  return cluster;
}

// Adds one spot: a sphere-like thickness profile (bright centre, thin rim), supersampled so
// that spots smaller than a pixel contribute by their partial volume.
void DrawSpot(const SyntheticSpot& spot, double spacing_mm, cv::Mat1f* layer) {
  const double radius = spot.diameter_mm / spacing_mm / 2.0;
  const int x0 = std::max(0, static_cast<int>(std::floor(spot.centre.x - radius)) - 1);
  const int y0 = std::max(0, static_cast<int>(std::floor(spot.centre.y - radius)) - 1);
  const int x1 = std::min(layer->cols - 1, static_cast<int>(std::ceil(spot.centre.x + radius)) + 1);
  const int y1 = std::min(layer->rows - 1, static_cast<int>(std::ceil(spot.centre.y + radius)) + 1);
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      double sum = 0;
      for (int sy = 0; sy < kSupersampling; ++sy) {
        for (int sx = 0; sx < kSupersampling; ++sx) {
          const double dx = x - 0.5 + (sx + 0.5) / kSupersampling - spot.centre.x;
          const double dy = y - 0.5 + (sy + 0.5) / kSupersampling - spot.centre.y;
          const double rho2 = (dx * dx + dy * dy) / (radius * radius);
          if (rho2 < 1.0) sum += std::sqrt(1.0 - rho2);
        }
      }
      (*layer)(y, x) += static_cast<float>(spot.contrast * sum / (kSupersampling * kSupersampling));
    }
  }
}

std::vector<SyntheticCluster> PlaceClusters(const SyntheticOptions& o, const BreastShape& shape,
                                            std::mt19937_64& rng) {
  std::vector<SyntheticCluster> clusters;
  std::uniform_real_distribution<double> ux(0.0, shape.semi_x),
      uy(shape.centre_y - shape.semi_y, shape.centre_y + shape.semi_y);
  const double radius_mm =
      o.calcifications ? o.calcifications->max_cluster_radius_mm : o.cluster_radius_mm;
  const double min_distance = 6.0 * radius_mm / o.spacing_mm;  // clearly separate
  constexpr int kMaxTries = 10000;
  for (int tries = 0; static_cast<int>(clusters.size()) < o.clusters && tries < kMaxTries;
       ++tries) {
    const cv::Point2f c(static_cast<float>(ux(rng)), static_cast<float>(uy(rng)));
    if (shape.Radius(c.x, c.y) > kClusterPlacementRadius) continue;
    // Keep clear of the chest-wall edge (the image border).
    if (c.x < 2.0 * radius_mm / o.spacing_mm) continue;
    const bool clear = std::none_of(
        clusters.begin(), clusters.end(),
        [&](const SyntheticCluster& k) { return cv::norm(k.centre - c) < min_distance; });
    if (!clear) continue;
    clusters.push_back(o.calcifications
                           ? synth::MakeModelCluster(c, *o.calcifications, o.spacing_mm, rng)
                           : MakeCluster(c, o, rng));
  }
  return clusters;
}

// Quantum-like noise: variance proportional to the signal.
void AddNoise(const SyntheticOptions& o, cv::RNG& cv_rng, cv::Mat1f* image) {
  cv::Mat1f noise(image->size());
  cv_rng.fill(noise, cv::RNG::NORMAL, 0.0, 1.0);
  const double sigma_at_reference = o.noise_sigma * o.noise_reference_spacing_mm / o.spacing_mm;
  for (int y = 0; y < image->rows; ++y) {
    for (int x = 0; x < image->cols; ++x) {
      const float v = (*image)(y, x);
      const double sigma = sigma_at_reference * std::sqrt(std::max(0.0f, v) / kNoiseReferenceLevel);
      (*image)(y, x) = static_cast<float>(v + sigma * noise(y, x));
    }
  }
}

// The calcifications of all clusters, blurred by the imaging system, in intensity units.
cv::Mat1f CalcificationLayer(const std::vector<SyntheticCluster>& clusters,
                             const SyntheticOptions& o, cv::Size size) {
  cv::Mat1f spots = cv::Mat1f::zeros(size);
  for (const SyntheticCluster& c : clusters) {
    for (const SyntheticSpot& s : c.spots) {
      if (o.calcifications) {
        synth::DrawCalcification(s, o.spacing_mm, &spots);
      } else {
        DrawSpot(s, o.spacing_mm, &spots);
      }
    }
  }
  const double blur = o.calcifications ? synth::ModelBlurSigmaPx(*o.calcifications, o.spacing_mm)
                                       : kSystemBlurMm / o.spacing_mm;
  cv::GaussianBlur(spots, spots, cv::Size(), blur, blur);
  return spots;
}

// Cluster centres in `region` with the whole disc inside it and clusters clearly apart.
std::vector<SyntheticCluster> PlaceClustersInRegion(const cv::Mat1b& region,
                                                    const SyntheticOptions& o,
                                                    std::mt19937_64& rng) {
  const double radius_px =
      (o.calcifications ? o.calcifications->max_cluster_radius_mm : o.cluster_radius_mm) /
      o.spacing_mm;
  cv::Mat1f distance;
  cv::distanceTransform(region, distance, cv::DIST_L2, 3);
  std::vector<cv::Point> room;
  for (int y = 0; y < distance.rows; ++y) {
    for (int x = 0; x < distance.cols; ++x) {
      if (distance(y, x) > radius_px + 1) room.emplace_back(x, y);
    }
  }
  std::vector<SyntheticCluster> clusters;
  if (room.empty()) return clusters;
  std::uniform_int_distribution<size_t> pick(0, room.size() - 1);
  constexpr int kMaxTries = 1000;
  for (int tries = 0; static_cast<int>(clusters.size()) < o.clusters && tries < kMaxTries;
       ++tries) {
    const cv::Point2f c(room[pick(rng)]);
    const bool clear = std::none_of(
        clusters.begin(), clusters.end(),
        [&](const SyntheticCluster& k) { return cv::norm(k.centre - c) < 6.0 * radius_px; });
    if (!clear) continue;
    clusters.push_back(o.calcifications
                           ? synth::MakeModelCluster(c, *o.calcifications, o.spacing_mm, rng)
                           : MakeCluster(c, o, rng));
  }
  return clusters;
}

}  // namespace

std::string_view CalcMorphologyName(CalcMorphology morphology) {
  switch (morphology) {
    case CalcMorphology::kPunctate: return "punctate";
    case CalcMorphology::kAmorphous: return "amorphous";
    case CalcMorphology::kPleomorphic: return "pleomorphic";
    case CalcMorphology::kLinear: return "linear";
  }
  return "unknown";
}

SyntheticOptions RealisticSyntheticOptions(double spacing_mm, std::uint64_t seed,
                                           int max_side_px) {
  std::mt19937_64 rng(seed ^ 0x5EED0F5EEDull);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  SyntheticOptions o;
  o.seed = seed;
  o.spacing_mm = spacing_mm;
  // A 240 x 190 mm field (a compressed breast against the chest wall), capped in pixels.
  o.height = std::min(max_side_px, static_cast<int>(std::lround(240.0 / spacing_mm)));
  o.width = std::min(max_side_px, static_cast<int>(std::lround(190.0 / spacing_mm)));
  o.bits = 16;
  o.clusters = std::uniform_int_distribution<int>(0, 3)(rng);
  o.anatomy_power_exponent = 2.7 + 0.6 * unit(rng);
  o.anatomy_amplitude = 0.05 + 0.05 * unit(rng);
  o.ducts = std::uniform_int_distribution<int>(2, 8)(rng);
  o.noise_sigma = 0.008 + 0.006 * unit(rng);
  o.calcifications = CalcificationModel();
  return o;
}

namespace synth {

Status CheckInsertion(const Image& real, const cv::Mat1b& region, double spacing_mm) {
  const int type = real.pixels.type();
  if (type != CV_8UC1 && type != CV_16UC1) {
    return Status(ErrorCode::kBadParameter, "insertion needs 8- or 16-bit single-channel pixels");
  }
  if (region.size() != real.pixels.size()) {
    return Status(ErrorCode::kBadParameter, "insertion region and image differ in size");
  }
  if (!(spacing_mm > 0)) return Status(ErrorCode::kBadParameter, "spacing must be positive");
  return Status::Ok();
}

cv::Mat1f UnitIntensity(const Image& real) {
  cv::Mat1f image;
  real.pixels.convertTo(image, CV_32F, 1.0 / (std::ldexp(1.0, real.bits_stored) - 1.0));
  return image;
}

void StoreInsertion(const cv::Mat1f& image, const Image& real, const cv::Mat1b& region,
                    double spacing_mm, SyntheticMammogram* out) {
  const double max_value = std::ldexp(1.0, real.bits_stored) - 1.0;
  cv::Mat1f clipped;
  cv::min(image, 1.0, clipped);  // bits_stored may be fewer than the container's
  out->image = real;
  out->image.pixels = cv::Mat();  // a new buffer: the caller's image shares the old one
  clipped.convertTo(out->image.pixels, real.pixels.type(), max_value);  // rounds, saturates
  out->image.display = cv::Mat();
  out->image.file_spacing_mm = spacing_mm;
  out->breast = region.clone();
}

}  // namespace synth

Status InsertSimulatedClusters(const Image& real, const cv::Mat1b& region,
                               const SyntheticOptions& o, SyntheticMammogram* out) {
  *out = SyntheticMammogram();
  if (Status s = synth::CheckInsertion(real, region, o.spacing_mm); !s.ok()) return s;
  std::mt19937_64 rng(o.seed);
  out->clusters = PlaceClustersInRegion(region, o, rng);
  if (static_cast<int>(out->clusters.size()) < o.clusters) {
    return Status(ErrorCode::kBadParameter, "no room for the clusters in the region");
  }
  cv::Mat1f image = synth::UnitIntensity(real);
  image += CalcificationLayer(out->clusters, o, image.size());
  synth::StoreInsertion(image, real, region, o.spacing_mm, out);
  return Status::Ok();
}

SyntheticMammogram MakeSyntheticMammogram(const SyntheticOptions& o) {
  std::mt19937_64 rng(o.seed);
  cv::RNG cv_rng(rng());
  SyntheticMammogram out;
  const BreastShape shape = ShapeFor(o, rng);
  cv::Mat1f image = Anatomy(o, shape, &out.breast, rng, cv_rng);

  out.clusters = PlaceClusters(o, shape, rng);
  image += CalcificationLayer(out.clusters, o, image.size());
  std::vector<synth::BenignDrawing> benign;
  if (o.benign > 0 || o.artefacts > 0) {  // none: not even their generator (images unchanged)
    const double blur = synth::ModelBlurSigmaPx(o.calcifications.value_or(CalcificationModel()),
                                                o.spacing_mm);
    synth::BenignRoom room(out.breast, o.spacing_mm, blur, ClusterDiscBoxes(out.clusters));
    std::mt19937_64 benign_rng = synth::BenignRng(o.seed);
    benign = synth::PlaceBenign(o.benign, o.artefacts, o.benign_model, &room, benign_rng);
    synth::DrawBenignCalcium(benign, o.spacing_mm, blur, &image);
  }
  AddNoise(o, cv_rng, &image);
  synth::DrawArtefacts(benign, &image);  // on top of the X-ray image: sharp, without its noise
  out.benign = synth::Records(benign);

  const int bits = o.bits == 8 ? 8 : 16;
  const double max_value = std::ldexp(1.0, bits) - 1.0;
  image.convertTo(out.image.pixels, bits == 8 ? CV_8U : CV_16U, max_value);  // rounds, saturates
  out.image.bits_stored = bits;
  out.image.format = "synthetic";
  out.image.file_spacing_mm = o.spacing_mm;
  out.image.file_spacing_source = SpacingSource::kPixelSpacing;
  return out;
}

Image To8Bit(const Image& image16) {
  Image out = image16;
  const double max_value = std::ldexp(1.0, image16.bits_stored) - 1.0;
  image16.pixels.convertTo(out.pixels, CV_8U, 255.0 / max_value);
  out.bits_stored = 8;
  out.display = cv::Mat();
  return out;
}

}  // namespace mammocad
