// Benign calcifications (synth/benign.h, docs/simulator.md): their geometry in mm, drawn as
// calcium ellipsoids by DrawCalcification and blurred like the clustered ones; placement of
// every benign finding and artefact; insertion into real images.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "synth/benign_model.h"
#include "synth/calcification_model.h"
#include "synth/insertion.h"

namespace mammocad {
namespace synth {
namespace {

constexpr double kClearanceMm = 3.0;  // between findings, and from what is kept clear
constexpr double kSkinBandMm = 4.0;   // skin calcifications: at most this deep in the region
constexpr int kMaxTries = 200;        // per finding
constexpr int kPixelTries = 100;      // per random pixel
constexpr std::uint64_t kBenignSeedSalt = 0xBE9167F1AD5ull;

// A vessel wall is a chain of short ellipsoids, each kWallStepMm after the last. Their
// profiles overlap: along the axis they sum to (pi / 2) * semi-major / step times one.
constexpr double kWallSegmentMm = 0.3;  // semi-major axis of one segment
constexpr double kWallStepMm = 0.15;    // half of it: the sum is smooth
constexpr double kWallOverlap = M_PI / 2 * kWallSegmentMm / kWallStepMm;
constexpr int kCurveSamples = 400;
constexpr double kAxisStepMm = 1.0;     // of the recorded axis
constexpr double kMinWallMm = 0.05;     // of a rim

cv::Rect ImageRect(const BenignRoom& room) { return {0, 0, room.region.cols, room.region.rows}; }

// A calcification of one spot at `centre`: inside the room (a skin one: near its edge) and clear.
bool PlaceSpot(SyntheticSpot spot, BenignKind kind, cv::Point centre, const BenignRoom& room,
               BenignDrawing* out) {
  const double radius_px = spot.diameter_mm / 2 / room.spacing_mm;
  if (!room.Holds(centre, radius_px)) return false;
  if (kind == BenignKind::kSkin && room.SkinDepth(centre) > kSkinBandMm / room.spacing_mm) {
    return false;
  }
  spot.centre = centre;
  const cv::Rect box = SpotsBoundingBox({spot}, room.spacing_mm) & ImageRect(room);
  if (!room.Clear(box)) return false;
  out->record = SyntheticBenign();
  out->record.kind = kind;
  out->record.centre = spot.centre;
  out->record.box = box;
  out->record.size_mm = spot.diameter_mm;
  out->calcium = {std::move(spot)};
  return true;
}

// A hollow ellipsoid (an eggshell): the outer blob less an inner one `wall` mm smaller, scaled
// so that the ring, where the shell is seen tangentially, peaks at `contrast`.
SyntheticSpot Shell(double diameter, double wall_fraction, double elongation, double contrast,
                    double angle) {
  const double a = diameter / 2, b = a * elongation;
  const double wall = std::max(kMinWallMm, wall_fraction * b);
  SyntheticSpot spot;
  spot.diameter_mm = diameter;
  spot.blobs = {{cv::Point2f(0, 0), a, b, angle, 2 * b},
                {cv::Point2f(0, 0), a - wall, b - wall, angle, -2 * (b - wall)}};
  // The thickest chord: along the minor axis at the inner surface.
  const double peak = 2 * std::sqrt(b * b - (b - wall) * (b - wall));
  spot.contrast = contrast * 2 * b / peak;  // DrawCalcification scales by the outer thickness
  return spot;
}

// Overlapping lobes add up: scales `spot` so that its thickest point (found on a grid of 1/40
// of its extent and at the lobes' centres) has `contrast`; DrawCalcification would scale by the
// thickest lobe alone.
void PeakAt(double contrast, SyntheticSpot* spot) {
  constexpr int kGrid = 40;
  double thickest = 0, lobe = 0;
  for (const CalcBlob& b : spot->blobs) {
    thickest = std::max(thickest, CalciumThickness(spot->blobs, b.offset_mm.x, b.offset_mm.y));
    lobe = std::max(lobe, b.thickness_mm);
  }
  const double step = spot->diameter_mm / kGrid;
  for (int i = 0; i <= kGrid; ++i) {
    for (int j = 0; j <= kGrid; ++j) {
      const double x = (i - kGrid / 2) * step, y = (j - kGrid / 2) * step;
      thickest = std::max(thickest, CalciumThickness(spot->blobs, x, y));
    }
  }
  spot->contrast = contrast * lobe / thickest;
}

bool TrySpot(BenignKind kind, const BenignRoom& room, std::mt19937_64& rng, BenignDrawing* out) {
  SyntheticSpot spot;
  double contrast = 0;  // as recorded: the peak asked for
  switch (kind) {
    case BenignKind::kRound: {
      const double size = Uniform(2.0, 5.0, rng), a = size / 2, b = a * Uniform(0.7, 1.0, rng);
      contrast = Uniform(0.2, 0.4, rng);
      spot.diameter_mm = size;
      spot.blobs = {{cv::Point2f(0, 0), a, b, Uniform(0.0, M_PI, rng), 2 * b}};
      spot.contrast = contrast;
      break;
    }
    case BenignKind::kRim:
    case BenignKind::kSkin: {
      const bool rim = kind == BenignKind::kRim;
      const double size = rim ? Uniform(1.0, 5.0, rng) : Uniform(0.5, 2.0, rng);
      const double wall = rim ? Uniform(0.15, 0.3, rng) : Uniform(0.3, 0.5, rng);
      const double elongation = rim ? Uniform(0.8, 1.0, rng) : Uniform(0.85, 1.0, rng);
      contrast = rim ? Uniform(0.15, 0.35, rng) : Uniform(0.08, 0.2, rng);
      spot = Shell(size, wall, elongation, contrast, Uniform(0.0, M_PI, rng));
      break;
    }
    case BenignKind::kPopcorn: {
      contrast = Uniform(0.2, 0.4, rng);
      spot.diameter_mm = Uniform(3.0, 10.0, rng);
      spot.blobs = LobedBlobs(spot.diameter_mm, {5, 9, 0.25, 0.15, 0.6, 0.4}, rng);
      spot.contrast = contrast;  // of one lobe until placed (PeakAt)
      break;
    }
    default: return false;
  }
  cv::Point centre;
  if (!room.RandomPixel(true, rng, &centre)) return false;
  if (!PlaceSpot(std::move(spot), kind, centre, room, out)) return false;
  if (kind == BenignKind::kPopcorn) PeakAt(contrast, &out->calcium[0]);
  out->record.contrast = contrast;
  return true;
}

// On-intervals (mm of arc) of a wall `length` long: all of it, or dashes of 2-8 mm with gaps
// of 0.5-2 mm from a random phase.
std::vector<std::pair<double, double>> Dashes(double length, bool dashed, std::mt19937_64& rng) {
  if (!dashed) return {{0.0, length}};
  std::vector<std::pair<double, double>> on;
  for (double s = -Uniform(0.0, 8.0, rng); s < length;) {
    const double end = s + Uniform(2.0, 8.0, rng);
    if (end > 0) on.emplace_back(std::max(0.0, s), std::min(length, end));
    s = end + Uniform(0.5, 2.0, rng);
  }
  return on;
}

// A vessel wall seen edge-on: two parallel walls along a gently bent quadratic Bezier curve
// through the centre, each a chain of short ellipsoids.
bool TryVascular(const BenignModel& model, const BenignRoom& room, std::mt19937_64& rng,
                 BenignDrawing* out) {
  const double length = Uniform(5.0, 40.0, rng), gap = Uniform(0.3, 1.5, rng);
  const double width = Uniform(0.1, std::min(0.3, gap / 3), rng);  // the lumen stays dark
  const double contrast = Uniform(0.08, 0.2, rng), theta = Uniform(0.0, M_PI, rng);
  const double bow = Uniform(-0.15, 0.15, rng) * length;
  const bool dashed = Uniform(0.0, 1.0, rng) < model.dashed_vessel_share;
  const cv::Point2d along(std::cos(theta), std::sin(theta)), across(-along.y, along.x);
  // B(1/2) = p1 / 2 with p0 = -p2: shifted so that the curve's middle is the origin.
  const cv::Point2d shift = -0.5 * bow * across;
  const cv::Point2d p0 = -length / 2 * along + shift, p1 = bow * across + shift,
                    p2 = length / 2 * along + shift;
  std::vector<cv::Point2d> curve(kCurveSamples + 1);
  std::vector<double> arc(kCurveSamples + 1, 0.0);
  double reach = 0;
  for (int k = 0; k <= kCurveSamples; ++k) {
    const double t = static_cast<double>(k) / kCurveSamples;
    curve[k] = (1 - t) * (1 - t) * p0 + 2 * (1 - t) * t * p1 + t * t * p2;
    if (k > 0) arc[k] = arc[k - 1] + cv::norm(curve[k] - curve[k - 1]);
    reach = std::max(reach, cv::norm(curve[k]));
  }
  const double total = arc.back();
  cv::Point centre;
  if (!room.RandomPixel(true, rng, &centre)) return false;
  if (!room.Holds(centre, (reach + gap / 2 + kWallSegmentMm) / room.spacing_mm)) return false;
  const cv::Point2f c(centre);
  const auto pixel = [&](cv::Point2d mm) { return c + cv::Point2f(mm / room.spacing_mm); };
  // The point and unit tangent at arc length s.
  const auto at = [&](double s, cv::Point2d* p, cv::Point2d* tangent) {
    const size_t k = std::clamp<size_t>(std::upper_bound(arc.begin(), arc.end(), s) - arc.begin(),
                                        1, kCurveSamples);
    const cv::Point2d step = curve[k] - curve[k - 1];
    *p = curve[k - 1] + (s - arc[k - 1]) / (arc[k] - arc[k - 1]) * step;
    *tangent = step / cv::norm(step);
  };
  BenignDrawing d;
  for (const double side : {-0.5, 0.5}) {
    for (const auto& [begin, end] : Dashes(total, dashed, rng)) {
      for (double s = begin; s <= end; s += kWallStepMm) {
        cv::Point2d p, tangent;
        at(s, &p, &tangent);
        SyntheticSpot segment;
        segment.centre = pixel(p + side * gap * cv::Point2d(-tangent.y, tangent.x));
        segment.diameter_mm = 2 * kWallSegmentMm;
        segment.contrast = contrast / kWallOverlap;
        segment.blobs = {{cv::Point2f(0, 0), kWallSegmentMm, width / 2,
                          std::atan2(tangent.y, tangent.x), width}};
        d.calcium.push_back(std::move(segment));
      }
    }
  }
  d.record.box = SpotsBoundingBox(d.calcium, room.spacing_mm) & ImageRect(room);
  if (d.calcium.empty() || !room.Clear(d.record.box)) return false;
  d.record.kind = BenignKind::kVascular;
  d.record.centre = c;
  for (double s = 0; s < total + kAxisStepMm; s += kAxisStepMm) {
    cv::Point2d p, tangent;
    at(std::min(s, total), &p, &tangent);
    d.record.points.push_back(pixel(p));
  }
  d.record.size_mm = total;
  d.record.contrast = contrast;
  d.record.wall_gap_mm = gap;
  *out = std::move(d);
  return true;
}

}  // namespace

BenignRoom::BenignRoom(const cv::Mat1b& region_in, double spacing, double blur,
                       std::vector<cv::Rect> keep_clear)
    : region(region_in), spacing_mm(spacing), blur_px(blur), taken(std::move(keep_clear)) {
  cv::distanceTransform(region, skin_depth, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  cv::Mat1b framed;  // outside the image is outside the region
  cv::copyMakeBorder(region, framed, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::distanceTransform(framed, depth, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  depth = depth(cv::Rect(1, 1, region.cols, region.rows)).clone();
  bounds = cv::boundingRect(region);
}

namespace {

double At(const cv::Mat1f& map, cv::Point2f p) {
  const cv::Point q(static_cast<int>(std::lround(p.x)), static_cast<int>(std::lround(p.y)));
  return cv::Rect(0, 0, map.cols, map.rows).contains(q) ? map(q) : 0.0;
}

}  // namespace

double BenignRoom::Depth(cv::Point2f p) const { return At(depth, p); }
double BenignRoom::SkinDepth(cv::Point2f p) const { return At(skin_depth, p); }

bool BenignRoom::Holds(cv::Point2f p, double radius_px) const {
  return Depth(p) > radius_px + 3 * blur_px + 1;  // the blur's tail stays inside too
}

bool BenignRoom::Clear(const cv::Rect& box) const {
  const int margin = static_cast<int>(std::ceil(kClearanceMm / spacing_mm));
  const cv::Rect grown(box.x - margin, box.y - margin, box.width + 2 * margin,
                       box.height + 2 * margin);
  return std::none_of(taken.begin(), taken.end(),
                      [&](const cv::Rect& t) { return (grown & t).area() > 0; });
}

bool BenignRoom::RandomPixel(bool inside, std::mt19937_64& rng, cv::Point* p) const {
  const cv::Rect area = inside ? bounds : cv::Rect(0, 0, region.cols, region.rows);
  if (area.empty()) return false;
  std::uniform_int_distribution<int> ux(area.x, area.br().x - 1), uy(area.y, area.br().y - 1);
  for (int i = 0; i < kPixelTries; ++i) {
    const cv::Point q(ux(rng), uy(rng));
    if ((region(q) != 0) == inside) {
      *p = q;
      return true;
    }
  }
  return false;
}

bool TryCalcification(BenignKind kind, const BenignModel& model, const BenignRoom& room,
                      std::mt19937_64& rng, BenignDrawing* out) {
  if (kind == BenignKind::kVascular) return TryVascular(model, room, rng, out);
  return TrySpot(kind, room, rng, out);
}

std::vector<BenignDrawing> PlaceBenign(int benign, int artefacts, const BenignModel& model,
                                       BenignRoom* room, std::mt19937_64& rng) {
  std::vector<BenignDrawing> placed;
  const auto place = [&](int count, const std::vector<BenignKind>& kinds) {
    if (kinds.empty()) return;
    std::uniform_int_distribution<size_t> pick(0, kinds.size() - 1);
    for (int i = 0; i < count; ++i) {
      const BenignKind kind = kinds[pick(rng)];
      BenignDrawing d;
      for (int tries = 0; tries < kMaxTries; ++tries) {
        const bool fits = IsArtefact(kind) ? TryArtefact(kind, *room, rng, &d)
                                           : TryCalcification(kind, model, *room, rng, &d);
        if (!fits) continue;
        d.record.kind = kind;
        // Lines cross everything, as on a scanner; what else is taken stays apart.
        if (kind != BenignKind::kScannerLine) room->taken.push_back(d.record.box);
        placed.push_back(std::move(d));
        break;
      }
    }
  };
  place(artefacts, model.artefact_kinds);
  place(benign, model.calcification_kinds);
  return placed;
}

void DrawBenignCalcium(const std::vector<BenignDrawing>& findings, double spacing_mm,
                       double blur_px, cv::Mat1f* image) {
  if (std::all_of(findings.begin(), findings.end(),
                  [](const BenignDrawing& d) { return d.calcium.empty(); })) {
    return;
  }
  cv::Mat1f layer = cv::Mat1f::zeros(image->size());
  for (const BenignDrawing& d : findings) {
    for (const SyntheticSpot& spot : d.calcium) DrawCalcification(spot, spacing_mm, &layer);
  }
  cv::GaussianBlur(layer, layer, cv::Size(), blur_px, blur_px);
  *image += layer;
}

std::vector<SyntheticBenign> Records(const std::vector<BenignDrawing>& findings) {
  std::vector<SyntheticBenign> records;
  for (const BenignDrawing& d : findings) records.push_back(d.record);
  return records;
}

std::mt19937_64 BenignRng(std::uint64_t seed) { return std::mt19937_64(seed ^ kBenignSeedSalt); }

}  // namespace synth

std::string_view BenignKindName(BenignKind kind) {
  switch (kind) {
    case BenignKind::kVascular: return "vascular";
    case BenignKind::kRound: return "round";
    case BenignKind::kRim: return "rim";
    case BenignKind::kPopcorn: return "popcorn";
    case BenignKind::kSkin: return "skin";
    case BenignKind::kDust: return "dust";
    case BenignKind::kScannerLine: return "scanner_line";
    case BenignKind::kScratch: return "scratch";
    case BenignKind::kFilmEdge: return "film_edge";
    case BenignKind::kLabel: return "label";
  }
  return "unknown";
}

bool IsArtefact(BenignKind kind) { return kind >= BenignKind::kDust; }

std::vector<cv::Rect> ClusterDiscBoxes(const std::vector<SyntheticCluster>& clusters) {
  std::vector<cv::Rect> boxes;
  for (const SyntheticCluster& c : clusters) {
    const int r = static_cast<int>(std::ceil(c.radius_px));
    const cv::Point centre(static_cast<int>(std::lround(c.centre.x)),
                           static_cast<int>(std::lround(c.centre.y)));
    boxes.emplace_back(centre.x - r, centre.y - r, 2 * r + 1, 2 * r + 1);
  }
  return boxes;
}

SyntheticOptions WithBenignAndArtefacts(SyntheticOptions options, std::uint64_t seed) {
  constexpr std::uint64_t kCountSeedSalt = 0xC0047ull;  // not the findings' own draws
  std::mt19937_64 rng(seed ^ kCountSeedSalt);
  options.benign = std::uniform_int_distribution<int>(1, 4)(rng);
  options.artefacts = std::uniform_int_distribution<int>(0, 2)(rng);
  return options;
}

namespace {

Status CheckKinds(const std::vector<BenignKind>& kinds, bool artefacts, int count) {
  const char* family = artefacts ? "artefact" : "benign calcification";
  if (count > 0 && kinds.empty()) {
    return Status(ErrorCode::kBadParameter, std::string("no ") + family + " kinds to draw");
  }
  for (BenignKind kind : kinds) {
    if (IsArtefact(kind) != artefacts) {
      return Status(ErrorCode::kBadParameter, std::string(BenignKindName(kind)) +
                                                  " is not a " + family + " kind");
    }
  }
  return Status::Ok();
}

}  // namespace

Status InsertBenignFindings(const Image& real, const cv::Mat1b& region,
                            const BenignOptions& o, SyntheticMammogram* out) {
  *out = SyntheticMammogram();
  if (Status s = synth::CheckInsertion(real, region, o.spacing_mm); !s.ok()) return s;
  if (o.benign < 0 || o.artefacts < 0) {
    return Status(ErrorCode::kBadParameter, "benign and artefact counts must not be negative");
  }
  if (Status s = CheckKinds(o.model.calcification_kinds, false, o.benign); !s.ok()) return s;
  if (Status s = CheckKinds(o.model.artefact_kinds, true, o.artefacts); !s.ok()) return s;
  const double blur = synth::ModelBlurSigmaPx(o.blur, o.spacing_mm);
  synth::BenignRoom room(region, o.spacing_mm, blur, o.keep_clear);
  std::mt19937_64 rng = synth::BenignRng(o.seed);
  const std::vector<synth::BenignDrawing> findings =
      synth::PlaceBenign(o.benign, o.artefacts, o.model, &room, rng);
  if (static_cast<int>(findings.size()) < o.benign + o.artefacts) {
    return Status(ErrorCode::kBadParameter, "no room for the benign findings in the region");
  }
  cv::Mat1f image = synth::UnitIntensity(real);
  synth::DrawBenignCalcium(findings, o.spacing_mm, blur, &image);
  synth::DrawArtefacts(findings, &image);
  synth::StoreInsertion(image, real, region, o.spacing_mm, out);
  out->benign = synth::Records(findings);
  return Status::Ok();
}

}  // namespace mammocad
