// Benign calcifications and artefacts (synth/benign.h): each kind is drawn where and as its
// record says, deterministically, without changing anything when none is asked for; insertion
// into a real (here: stand-in) image stays where it should and keeps the image's format.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <set>

#include "synth/calcification_model.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

constexpr double kLevels = 65535.0;  // 16-bit synthetic images

// A quiet synthetic image (no noise, clusters or ducts) with one finding of `kind`.
SyntheticOptions OneFinding(BenignKind kind, std::uint64_t seed, double spacing_mm = 0.1) {
  SyntheticOptions o;
  o.width = o.height = 512;
  o.spacing_mm = spacing_mm;
  o.seed = seed;
  o.clusters = 0;
  o.ducts = 0;
  o.noise_sigma = 0;
  (IsArtefact(kind) ? o.artefacts : o.benign) = 1;
  o.benign_model.calcification_kinds = {kind};
  o.benign_model.artefact_kinds = {kind};
  o.benign_model.dashed_vessel_share = 0;
  return o;
}

// What the findings added: the image with them less the same image without ([0, 1] units).
cv::Mat1f Added(const SyntheticOptions& with, SyntheticMammogram* m) {
  *m = MakeSyntheticMammogram(with);
  SyntheticOptions without = with;
  without.benign = without.artefacts = 0;
  cv::Mat1f a, b;
  m->image.pixels.convertTo(a, CV_32F, 1 / kLevels);
  MakeSyntheticMammogram(without).image.pixels.convertTo(b, CV_32F, 1 / kLevels);
  return a - b;
}

double BlurPx(double spacing_mm) { return synth::ModelBlurSigmaPx(CalcificationModel(), spacing_mm); }

cv::Rect Grown(cv::Rect box, int margin) {
  return {box.x - margin, box.y - margin, box.width + 2 * margin, box.height + 2 * margin};
}

// Largest |value| of `layer` outside `box`.
double MaxOutside(const cv::Mat1f& layer, cv::Rect box) {
  cv::Mat1b outside(layer.size(), uchar(255));
  outside(box & cv::Rect(0, 0, layer.cols, layer.rows)).setTo(0);
  double lo, hi;
  cv::minMaxLoc(layer, &lo, &hi, nullptr, nullptr, outside);
  return std::max(-lo, hi);
}

double Bilinear(const cv::Mat1f& m, cv::Point2f p) {
  cv::Mat1f patch;
  cv::getRectSubPix(m, cv::Size(1, 1), p, patch);
  return patch(0, 0);
}

std::uint64_t Fnv1a(const cv::Mat& m) {
  std::uint64_t h = 1469598103934665603ull;
  for (int y = 0; y < m.rows; ++y) {
    const uchar* row = m.ptr(y);
    for (size_t i = 0; i < m.cols * m.elemSize(); ++i) h = (h ^ row[i]) * 1099511628211ull;
  }
  return h;
}

TEST(BenignKinds, NamesAndFamilies) {
  std::set<std::string_view> names;
  for (int k = 0; k <= static_cast<int>(BenignKind::kLabel); ++k) {
    const auto kind = static_cast<BenignKind>(k);
    names.insert(BenignKindName(kind));
    EXPECT_EQ(IsArtefact(kind), k >= static_cast<int>(BenignKind::kDust)) << k;
  }
  EXPECT_EQ(names.size(), 10u);
  EXPECT_EQ(names.count("unknown"), 0u);
  EXPECT_EQ(BenignKindName(BenignKind::kScannerLine), "scanner_line");
}

TEST(BenignCalcifications, EachKindIsDrawnWhereItsRecordSaysWithTheContrastAsked) {
  const int margin = static_cast<int>(std::ceil(4 * BlurPx(0.1))) + 1;  // the blur's support
  for (BenignKind kind : {BenignKind::kVascular, BenignKind::kRound, BenignKind::kRim,
                          BenignKind::kPopcorn, BenignKind::kSkin}) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      SCOPED_TRACE(std::string(BenignKindName(kind)) + " seed " + std::to_string(seed));
      SyntheticMammogram m;
      const cv::Mat1f added = Added(OneFinding(kind, seed), &m);
      ASSERT_EQ(m.benign.size(), 1u);
      const SyntheticBenign& b = m.benign[0];
      EXPECT_EQ(b.kind, kind);
      EXPECT_TRUE(b.box.contains(cv::Point(b.centre)));
      EXPECT_EQ(m.breast(cv::Point(b.centre)), 255);
      double peak;
      cv::minMaxLoc(added(b.box), nullptr, &peak);
      // The contrast is the peak before blur: blur and partial volume take some off thin
      // walls (a vessel's 0.1-0.3 mm, a rim's 0.05-0.3 mm, here in 0.1 mm pixels).
      const double thin = kind == BenignKind::kVascular                         ? 0.3
                          : kind == BenignKind::kRim || kind == BenignKind::kSkin ? 0.5
                                                                                  : 0.8;
      EXPECT_GT(peak, thin * b.contrast);
      EXPECT_LT(peak, 1.05 * b.contrast);
      EXPECT_LT(MaxOutside(added, Grown(b.box, margin)), 1e-6);  // nothing elsewhere
      EXPECT_EQ(cv::countNonZero(added < -1e-6), 0);               // calcium only adds
    }
  }
}

TEST(BenignCalcifications, SizesInTheirRanges) {
  struct Range {
    BenignKind kind;
    double lo, hi;
  };
  for (const Range& r : {Range{BenignKind::kVascular, 5, 41}, Range{BenignKind::kRound, 2, 5},
                         Range{BenignKind::kRim, 1, 5}, Range{BenignKind::kPopcorn, 3, 10},
                         Range{BenignKind::kSkin, 0.5, 2}}) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const SyntheticMammogram m = MakeSyntheticMammogram(OneFinding(r.kind, seed));
      ASSERT_EQ(m.benign.size(), 1u);
      EXPECT_GE(m.benign[0].size_mm, r.lo) << BenignKindName(r.kind);
      EXPECT_LE(m.benign[0].size_mm, r.hi) << BenignKindName(r.kind);
      // The box spans the extent (vessels: at least the chord of their gentle curve).
      const double extent_px = std::max(m.benign[0].box.width, m.benign[0].box.height);
      EXPECT_GE(extent_px * 0.1, (r.kind == BenignKind::kVascular ? 0.8 : 1.0) * m.benign[0].size_mm);
    }
  }
}

TEST(BenignCalcifications, RimsHaveADarkerCentreThanTheirRing) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SyntheticMammogram m;
    const cv::Mat1f added = Added(OneFinding(BenignKind::kRim, seed), &m);
    ASSERT_EQ(m.benign.size(), 1u);
    double ring;
    cv::minMaxLoc(added(m.benign[0].box), nullptr, &ring);
    EXPECT_LT(Bilinear(added, m.benign[0].centre), 0.7 * ring) << "seed " << seed;
  }
  // Skin calcifications are lucent-centred too, seen where pixels resolve them.
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SyntheticMammogram m;
    const cv::Mat1f added = Added(OneFinding(BenignKind::kSkin, seed, 0.05), &m);
    ASSERT_EQ(m.benign.size(), 1u);
    double ring;
    cv::minMaxLoc(added(m.benign[0].box), nullptr, &ring);
    EXPECT_LT(Bilinear(added, m.benign[0].centre), 0.9 * ring) << "seed " << seed;
  }
}

TEST(BenignCalcifications, SkinCalcificationsLieInTheOuterMillimetres) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SyntheticMammogram m;
    const cv::Mat1f added = Added(OneFinding(BenignKind::kSkin, seed), &m);
    ASSERT_EQ(m.benign.size(), 1u);
    cv::Mat1f depth;
    cv::distanceTransform(m.breast, depth, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    EXPECT_LE(depth(cv::Point(m.benign[0].centre)), 40.0) << "seed " << seed;  // 4 mm
    cv::Mat1b outside;
    cv::bitwise_not(m.breast, outside);
    double hi;
    cv::minMaxLoc(added, nullptr, &hi, nullptr, nullptr, outside);
    EXPECT_LT(hi, 1e-6) << "seed " << seed;  // nothing beyond the skin
  }
}

TEST(BenignCalcifications, VascularTracksAreTwoLinesNotOne) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SyntheticOptions o = OneFinding(BenignKind::kVascular, seed, 0.05);
    o.width = o.height = 1024;
    SyntheticMammogram m;
    const cv::Mat1f added = Added(o, &m);
    ASSERT_EQ(m.benign.size(), 1u);
    const SyntheticBenign& b = m.benign[0];
    ASSERT_GE(b.points.size(), 5u);
    EXPECT_GE(b.wall_gap_mm, 0.3);
    EXPECT_LE(b.wall_gap_mm, 1.5);
    // Across the axis at three places: bright at both walls, darker on the axis between them.
    for (size_t i : {b.points.size() / 4, b.points.size() / 2, 3 * b.points.size() / 4}) {
      const cv::Point2f axis = b.points[i], tangent = b.points[i + 1] - b.points[i - 1];
      const cv::Point2f across = cv::Point2f(-tangent.y, tangent.x) / cv::norm(tangent);
      const double half_gap_px = b.wall_gap_mm / 2 / o.spacing_mm;
      const auto wall = [&](double side) {  // the brightest within 1.5 px of a wall's centre line
        double best = 0;
        for (double d = -1.5; d <= 1.5; d += 0.25) {
          best = std::max(best, Bilinear(added, axis + across * static_cast<float>(side * half_gap_px + d)));
        }
        return best;
      };
      const double left = wall(-1), right = wall(1), middle = Bilinear(added, axis);
      EXPECT_GT(std::min(left, right), 0.4 * b.contrast);
      EXPECT_LT(middle, 0.6 * std::min(left, right));
    }
  }
}

TEST(Artefacts, DustIsSharperThanABlurredCalcificationOfItsSize) {
  // Peak over the mean of its 8 neighbours.
  const auto sharpness = [](const cv::Mat1f& layer, cv::Point p) {
    const double ring = (cv::sum(layer(cv::Rect(p.x - 1, p.y - 1, 3, 3)))[0] - layer(p)) / 8;
    return layer(p) / std::max(ring, 1e-9);
  };
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SyntheticMammogram m;
    const cv::Mat1f added = Added(OneFinding(BenignKind::kDust, seed), &m);
    ASSERT_EQ(m.benign.size(), 1u);
    const SyntheticBenign& b = m.benign[0];
    ASSERT_GE(b.points.size(), 1u);
    ASSERT_LE(b.points.size(), 2u);
    EXPECT_EQ(cv::countNonZero(added != 0), static_cast<int>(b.points.size()));  // only its pixels
    for (cv::Point2f p : b.points) EXPECT_NEAR(added(cv::Point(p)), b.contrast, 1e-4);
    // A punctate calcification as large, blurred like the clustered ones.
    SyntheticSpot spot;
    spot.centre = {20, 20};
    spot.diameter_mm = b.size_mm;
    spot.contrast = b.contrast;
    spot.blobs = {{cv::Point2f(0, 0), b.size_mm / 2, b.size_mm / 2, 0.0, b.size_mm}};
    cv::Mat1f calcification = cv::Mat1f::zeros(41, 41);
    synth::DrawCalcification(spot, 0.1, &calcification);
    cv::GaussianBlur(calcification, calcification, cv::Size(), BlurPx(0.1), BlurPx(0.1));
    EXPECT_GT(sharpness(added, cv::Point(b.points[0])),
              2 * sharpness(calcification, cv::Point(20, 20)));
  }
}

TEST(Artefacts, LinesAreOnePixelAlongTheirEndpoints) {
  for (BenignKind kind : {BenignKind::kScannerLine, BenignKind::kScratch}) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      SCOPED_TRACE(std::string(BenignKindName(kind)) + " seed " + std::to_string(seed));
      SyntheticMammogram m;
      const cv::Mat1f added = Added(OneFinding(kind, seed), &m);
      ASSERT_EQ(m.benign.size(), 1u);
      const SyntheticBenign& b = m.benign[0];
      ASSERT_EQ(b.points.size(), 2u);
      // One pixel per step along the longer axis, each within half a pixel of the segment.
      const cv::Point2f a = b.points[0], d = b.points[1] - b.points[0];
      std::vector<cv::Point> changed;
      cv::findNonZero(added != 0, changed);
      EXPECT_EQ(changed.size(), std::max(std::abs(d.x), std::abs(d.y)) + 1);
      for (cv::Point p : changed) {
        const double t = std::clamp((cv::Point2f(p) - a).dot(d) / d.dot(d), 0.0f, 1.0f);
        EXPECT_LE(cv::norm(cv::Point2f(p) - (a + t * d)), 0.75);
        EXPECT_NEAR(added(p), b.contrast, 1e-4);
        if (kind == BenignKind::kScratch) {
          EXPECT_EQ(m.breast(p), 255);
        }
      }
      if (kind == BenignKind::kScannerLine) {
        EXPECT_GT(b.contrast, 0);
        EXPECT_LE(std::min(std::abs(d.x), std::abs(d.y)),
                  std::tan(3.01 * M_PI / 180) * std::max(std::abs(d.x), std::abs(d.y)) + 1);
      } else {
        EXPECT_GE(std::abs(b.contrast), 0.05);
        EXPECT_GE(b.size_mm, 2.9);
        EXPECT_LE(b.size_mm, 30.1);
      }
    }
  }
}

TEST(Artefacts, FilmEdgeIsABrightBandAlongABorder) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SyntheticMammogram m;
    const cv::Mat1f added = Added(OneFinding(BenignKind::kFilmEdge, seed), &m);
    ASSERT_EQ(m.benign.size(), 1u);
    const SyntheticBenign& b = m.benign[0];
    const cv::Size size = m.image.pixels.size();
    const bool horizontal = b.box.width == size.width;  // along the top or bottom
    EXPECT_TRUE(horizontal || b.box.height == size.height);
    EXPECT_TRUE(b.box.x == 0 || b.box.y == 0 || b.box.br().x == size.width ||
                b.box.br().y == size.height);
    EXPECT_LE(std::min(b.box.width, b.box.height), b.size_mm / 0.1 + 1);
    // The band holds the level from the border to the inner edge; nothing beyond it changes.
    const cv::Point2f inner = (b.points[0] + b.points[1]) * 0.5f;
    const cv::Point border = horizontal ? cv::Point(cvRound(inner.x), b.box.y == 0 ? 0 : size.height - 1)
                                        : cv::Point(b.box.x == 0 ? 0 : size.width - 1, cvRound(inner.y));
    EXPECT_NEAR(m.image.pixels.at<std::uint16_t>(border) / kLevels, b.contrast, 1e-4);
    EXPECT_LT(MaxOutside(added, b.box), 1e-6);
  }
}

TEST(Artefacts, LabelIsABrightRectangleWithTextOutsideTheBreast) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    SyntheticMammogram m;
    const cv::Mat1f added = Added(OneFinding(BenignKind::kLabel, seed), &m);
    ASSERT_EQ(m.benign.size(), 1u);
    const SyntheticBenign& b = m.benign[0];
    EXPECT_EQ(m.breast(cv::Point(b.centre)), 0);
    ASSERT_GE(b.text.size(), 2u);
    cv::Mat1b text = cv::Mat1b::zeros(m.image.pixels.size());
    for (const cv::Rect& bar : b.text) {
      EXPECT_EQ((bar & b.box), bar);
      text(bar).setTo(255);
    }
    cv::Mat1f image;
    m.image.pixels.convertTo(image, CV_32F, 1 / kLevels);
    double lo, hi;
    cv::minMaxLoc(image(b.box), &lo, &hi, nullptr, nullptr, cv::Mat1b(~text(b.box)));
    EXPECT_NEAR(lo, b.contrast, 1e-4);  // the label's ground...
    EXPECT_NEAR(hi, b.contrast, 1e-4);
    cv::minMaxLoc(image(b.box), &lo, nullptr, nullptr, nullptr, text(b.box));
    EXPECT_GT(lo, b.contrast + 0.1);    // ...and its brighter text
    EXPECT_LT(MaxOutside(added, b.box), 1e-6);
  }
}

SyntheticOptions Busy(std::uint64_t seed) {
  SyntheticOptions o = RealisticSyntheticOptions(0.1, seed, 768);
  o.clusters = 2;
  o.benign = 4;
  o.artefacts = 2;
  return o;
}

TEST(Benign, DeterministicForASeed) {
  const SyntheticMammogram a = MakeSyntheticMammogram(Busy(5)), b = MakeSyntheticMammogram(Busy(5));
  EXPECT_EQ(cv::norm(a.image.pixels, b.image.pixels, cv::NORM_INF), 0.0);
  ASSERT_EQ(a.benign.size(), 6u);
  ASSERT_EQ(b.benign.size(), 6u);
  for (size_t i = 0; i < a.benign.size(); ++i) {
    EXPECT_EQ(a.benign[i].kind, b.benign[i].kind);
    EXPECT_EQ(a.benign[i].centre, b.benign[i].centre);
    EXPECT_EQ(a.benign[i].box, b.benign[i].box);
    EXPECT_EQ(a.benign[i].points, b.benign[i].points);
  }
  const SyntheticMammogram c = MakeSyntheticMammogram(Busy(6));
  EXPECT_GT(cv::norm(a.image.pixels, c.image.pixels, cv::NORM_L1), 0.0);
}

TEST(Benign, NoneAskedForChangesNothing) {
  // Hashes of images made before benign findings existed (commit b34f3a5). A change here is a
  // change of every synthetic image: Equivalence.* would then need re-recording.
  SyntheticOptions legacy;
  legacy.width = 320;
  legacy.height = 256;
  SyntheticOptions realistic = RealisticSyntheticOptions(0.2, 7, 400);
  realistic.clusters = 2;
  SyntheticOptions model = legacy;
  model.bits = 8;
  model.calcifications = CalcificationModel();
  model.seed = 3;
  EXPECT_EQ(Fnv1a(MakeSyntheticMammogram(legacy).image.pixels), 0x18f48efda9d285dull);
  EXPECT_EQ(Fnv1a(MakeSyntheticMammogram(realistic).image.pixels), 0xed745a4991ecd1ecull);
  EXPECT_EQ(Fnv1a(MakeSyntheticMammogram(model).image.pixels), 0x6f4c6dadfbc9b082ull);
  // Saying 0 is not saying anything.
  SyntheticOptions zero = realistic;
  zero.benign = 0;
  zero.artefacts = 0;
  const SyntheticMammogram z = MakeSyntheticMammogram(zero);
  EXPECT_EQ(cv::norm(z.image.pixels, MakeSyntheticMammogram(realistic).image.pixels, cv::NORM_INF), 0.0);
  EXPECT_TRUE(z.benign.empty());
}

TEST(Benign, TheRestOfTheImageStaysTheSame) {
  SyntheticOptions with = Busy(8);
  with.artefacts = 0;  // calcifications only: they change their surroundings (and its noise)
  SyntheticOptions without = with;
  without.benign = 0;
  const SyntheticMammogram a = MakeSyntheticMammogram(with), b = MakeSyntheticMammogram(without);
  ASSERT_EQ(a.clusters.size(), b.clusters.size());
  for (size_t i = 0; i < a.clusters.size(); ++i) EXPECT_EQ(a.clusters[i].centre, b.clusters[i].centre);
  cv::Mat1b near = cv::Mat1b::zeros(a.image.pixels.size());
  const int margin = static_cast<int>(std::ceil(4 * BlurPx(0.1))) + 1;
  for (const SyntheticBenign& f : a.benign) {
    near(Grown(f.box, margin) & cv::Rect(cv::Point(), near.size())).setTo(255);
    for (const cv::Rect& c : ClusterDiscBoxes(a.clusters)) {
      EXPECT_EQ((Grown(f.box, 29) & c).area(), 0) << "3 mm clear of the clusters";
    }
  }
  cv::Mat diff;
  cv::absdiff(a.image.pixels, b.image.pixels, diff);
  EXPECT_GT(cv::countNonZero(diff), 0);
  EXPECT_EQ(cv::countNonZero((diff != 0) & ~near), 0);
}

TEST(WithBenignAndArtefacts, CountsFromTheSeed) {
  std::set<int> benign, artefacts;
  const SyntheticOptions base = RealisticSyntheticOptions(0.1, 3);
  for (std::uint64_t seed = 0; seed < 60; ++seed) {
    const SyntheticOptions o = WithBenignAndArtefacts(base, seed);
    benign.insert(o.benign);
    artefacts.insert(o.artefacts);
    EXPECT_EQ(o.benign, WithBenignAndArtefacts(base, seed).benign);
    EXPECT_EQ(o.artefacts, WithBenignAndArtefacts(base, seed).artefacts);
    EXPECT_EQ(o.clusters, base.clusters);
    EXPECT_EQ(o.seed, base.seed);
  }
  EXPECT_EQ(benign, (std::set<int>{1, 2, 3, 4}));
  EXPECT_EQ(artefacts, (std::set<int>{0, 1, 2}));
}

// A stand-in for a normal film: a smooth grey breast on black, `bits` deep.
Image FakeFilm(int bits, cv::Mat1b* breast) {
  const double scale = (std::ldexp(1.0, bits) - 1) / 255;
  cv::Mat1b grey(600, 500, uchar(10));
  *breast = cv::Mat1b::zeros(grey.size());
  cv::ellipse(grey, cv::Point(0, 300), cv::Size(400, 280), 0, -90, 90, cv::Scalar(120), -1);
  cv::ellipse(*breast, cv::Point(0, 300), cv::Size(380, 260), 0, -90, 90, cv::Scalar(255), -1);
  Image image;
  grey.convertTo(image.pixels, bits > 8 ? CV_16U : CV_8U, scale);
  image.bits_stored = bits;
  image.format = "pnm";
  return image;
}

TEST(InsertBenignFindings, InsideTheRegionInTheImagesOwnFormat) {
  for (int bits : {8, 12}) {
    SCOPED_TRACE(std::to_string(bits) + " bits");
    cv::Mat1b region;
    const Image film = FakeFilm(bits, &region);
    const cv::Mat before = film.pixels.clone();
    BenignOptions o;
    o.seed = 11;
    o.benign = 4;
    o.artefacts = 3;
    o.model.artefact_kinds = {BenignKind::kDust, BenignKind::kScratch};
    SyntheticMammogram m;
    ASSERT_TRUE(InsertBenignFindings(film, region, o, &m).ok());
    ASSERT_EQ(m.benign.size(), 7u);
    EXPECT_EQ(m.image.pixels.type(), film.pixels.type());
    EXPECT_EQ(m.image.bits_stored, bits);
    EXPECT_DOUBLE_EQ(m.image.file_spacing_mm, 0.2);
    EXPECT_EQ(cv::norm(film.pixels, before, cv::NORM_INF), 0.0);  // the input is untouched
    EXPECT_EQ(cv::countNonZero(m.breast != region), 0);
    cv::Mat diff;
    cv::absdiff(m.image.pixels, film.pixels, diff);
    EXPECT_GT(cv::countNonZero(diff), 0);
    EXPECT_EQ(cv::countNonZero((diff != 0) & (region == 0)), 0);  // only inside
    SyntheticMammogram again;
    ASSERT_TRUE(InsertBenignFindings(film, region, o, &again).ok());
    EXPECT_EQ(cv::norm(m.image.pixels, again.image.pixels, cv::NORM_INF), 0.0);
    // Labels, film edges and scanner lines go elsewhere, still within the image's bits.
    o.benign = 0;
    o.model.artefact_kinds = {BenignKind::kLabel, BenignKind::kFilmEdge, BenignKind::kScannerLine};
    ASSERT_TRUE(InsertBenignFindings(film, region, o, &m).ok());
    double hi;
    cv::minMaxLoc(m.image.pixels, nullptr, &hi);
    EXPECT_LE(hi, std::ldexp(1.0, bits) - 1);
    for (const SyntheticBenign& b : m.benign) {
      if (b.kind == BenignKind::kLabel) {
        EXPECT_EQ(region(cv::Point(b.centre)), 0);
      }
    }
  }
}

TEST(InsertBenignFindings, KeepsClearOfInsertedClusters) {
  cv::Mat1b region;
  const Image film = FakeFilm(8, &region);
  SyntheticOptions clusters;
  clusters.spacing_mm = 0.2;
  clusters.clusters = 2;
  clusters.calcifications = CalcificationModel();
  SyntheticMammogram with_clusters, m;
  ASSERT_TRUE(InsertSimulatedClusters(film, region, clusters, &with_clusters).ok());
  BenignOptions o;
  o.benign = 4;
  o.artefacts = 2;
  o.keep_clear = ClusterDiscBoxes(with_clusters.clusters);
  o.model.artefact_kinds = {BenignKind::kDust, BenignKind::kScratch};
  ASSERT_TRUE(InsertBenignFindings(with_clusters.image, region, o, &m).ok());
  for (const SyntheticBenign& b : m.benign) {
    for (const cv::Rect& c : o.keep_clear) EXPECT_EQ((Grown(b.box, 14) & c).area(), 0);
  }
}

TEST(InsertBenignFindings, RefusesWhatItCannotDo) {
  cv::Mat1b region;
  const Image film = FakeFilm(8, &region);
  SyntheticMammogram m;
  const auto code = [&](const Image& image, const cv::Mat1b& mask, const BenignOptions& o) {
    return InsertBenignFindings(image, mask, o, &m).code();
  };
  const BenignOptions ok;
  EXPECT_EQ(code(film, region, ok), ErrorCode::kOk);
  EXPECT_EQ(code(film, cv::Mat1b::zeros(10, 10), ok), ErrorCode::kBadParameter);
  EXPECT_EQ(code(film, cv::Mat1b::zeros(region.size()), ok), ErrorCode::kBadParameter);  // no room
  Image colour = film;
  cv::cvtColor(film.pixels, colour.pixels, cv::COLOR_GRAY2BGR);
  EXPECT_EQ(code(colour, region, ok), ErrorCode::kBadParameter);
  BenignOptions bad = ok;
  bad.spacing_mm = 0;
  EXPECT_EQ(code(film, region, bad), ErrorCode::kBadParameter);
  bad = ok;
  bad.artefacts = -1;
  EXPECT_EQ(code(film, region, bad), ErrorCode::kBadParameter);
  bad = ok;
  bad.model.calcification_kinds = {BenignKind::kDust};
  EXPECT_EQ(code(film, region, bad), ErrorCode::kBadParameter);
  bad = ok;
  bad.model.calcification_kinds.clear();
  EXPECT_EQ(code(film, region, bad), ErrorCode::kBadParameter);
  bad = ok;
  bad.artefacts = 1;
  bad.model.artefact_kinds = {BenignKind::kRim};
  EXPECT_EQ(code(film, region, bad), ErrorCode::kBadParameter);
  EXPECT_TRUE(m.benign.empty());
}

}  // namespace
}  // namespace mammocad
