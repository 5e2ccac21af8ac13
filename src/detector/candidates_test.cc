#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <tuple>
#include <vector>

#include "detector/handmade_scorer.h"
#include "detector/stages.h"

namespace mammocad::detail {
namespace {

constexpr double kSpacing = 0.1;

cv::Mat1f NoisyFlat(cv::Size size, uint64 seed) {
  cv::Mat1f image(size);
  cv::RNG rng(seed);
  rng.fill(image, cv::RNG::NORMAL, 0.5, 0.01);
  return image;
}

// The candidate nearest to `p` no farther than `within` pixels; none when there is no such
// candidate, so that a test asserts on its absence instead of dereferencing a null.
std::optional<Calcification> Nearest(const std::vector<Calcification>& calcs, cv::Point2f p,
                                     double within = std::numeric_limits<double>::infinity()) {
  std::optional<Calcification> best;
  for (const Calcification& c : calcs) {
    const double d = cv::norm(c.centre - p);
    if (d <= within && (!best || d < cv::norm(best->centre - p))) best = c;
  }
  return best;
}

int CountWithin(const std::vector<Calcification>& calcs, cv::Point2f p, double within) {
  return static_cast<int>(std::count_if(calcs.begin(), calcs.end(), [&](const Calcification& c) {
    return cv::norm(c.centre - p) <= within;
  }));
}

TEST(Candidates, ScoreIsMonotoneInContrastAndBounded) {
  const DetectorParams p;
  double previous = 0.0;
  for (double contrast = 0; contrast < 30; contrast += 0.5) {
    const double s = HandmadeCandidateScore(contrast, p);
    EXPECT_GT(s, previous);
    EXPECT_LT(s, 1.0);
    previous = s;
  }
  EXPECT_NEAR(HandmadeCandidateScore(p.score_midpoint_sigma, p), 0.5, 1e-12);
}

TEST(Candidates, FoundAtKnownSpotsWithDiameterAndContrast) {
  cv::Mat1f image = NoisyFlat({400, 400}, 1);
  const std::vector<cv::Point> spots = {{100, 100}, {250, 120}, {180, 300}};
  for (const cv::Point& s : spots) cv::circle(image, s, 2, cv::Scalar(0.56), -1);
  const cv::Mat1b mask(image.size(), 255);
  const DetectorParams p;
  const std::vector<Calcification> calcs =
      FindCandidates(EnhanceSpots(image, kSpacing, p), mask, kSpacing, p);
  for (const cv::Point& s : spots) {
    const std::optional<Calcification> c = Nearest(calcs, s);
    ASSERT_TRUE(c.has_value()) << "no candidate at all, spot " << s;
    EXPECT_LE(cv::norm(c->centre - cv::Point2f(s)), 1.0);
    EXPECT_GT(c->contrast, 8.0);
    EXPECT_GT(c->diameter_mm, 0.2);
    EXPECT_LT(c->diameter_mm, 1.0);
    EXPECT_NEAR(c->score, HandmadeCandidateScore(c->contrast, p), 1e-12);
  }
  EXPECT_TRUE(std::is_sorted(calcs.begin(), calcs.end(), [](const auto& a, const auto& b) {
    return a.score > b.score;
  }));
}

TEST(Candidates, BrighterSpotScoresHigher) {
  cv::Mat1f image = NoisyFlat({300, 300}, 2);
  cv::circle(image, {80, 150}, 2, cv::Scalar(0.55), -1);
  cv::circle(image, {220, 150}, 2, cv::Scalar(0.60), -1);
  const DetectorParams p;
  const auto calcs = FindCandidates(EnhanceSpots(image, kSpacing, p), cv::Mat1b(image.size(), 255),
                                    kSpacing, p);
  // Within 2 px: each spot must be matched by its own candidate, not by the other spot's.
  const std::optional<Calcification> bright = Nearest(calcs, {220, 150}, 2.0);
  const std::optional<Calcification> faint = Nearest(calcs, {80, 150}, 2.0);
  ASSERT_TRUE(bright.has_value()) << "bright spot not found among " << calcs.size();
  ASSERT_TRUE(faint.has_value()) << "faint spot not found among " << calcs.size();
  EXPECT_GT(bright->score, faint->score);
}

TEST(Candidates, OutsideMaskLargeBlobsAndLinesAreNotCandidates) {
  cv::Mat1f image = NoisyFlat({400, 400}, 3);
  const cv::Point2f outside(100, 100), inside(100, 300);
  cv::circle(image, cv::Point(outside), 2, cv::Scalar(0.6), -1);     // outside the mask
  cv::circle(image, cv::Point(inside), 2, cv::Scalar(0.6), -1);      // the same spot, inside
  cv::circle(image, {300, 100}, 25, cv::Scalar(0.6), -1);            // 5 mm blob (a mass)
  cv::line(image, {220, 250}, {380, 380}, cv::Scalar(0.6), 2);       // vessel
  cv::Mat1b mask(image.size(), 255);
  mask(cv::Rect(0, 0, 200, 200)).setTo(0);
  const DetectorParams p;
  const cv::Mat1f response = EnhanceSpots(image, kSpacing, p);
  const auto calcs = FindCandidates(response, mask, kSpacing, p);
  // The negatives below mean something only if the detector finds a spot at all here.
  EXPECT_EQ(CountWithin(calcs, inside, 2.0), 1) << calcs.size() << " candidates";
  EXPECT_EQ(CountWithin(calcs, outside, 10.0), 0);
  // And the outside spot is missing because of the mask, not because it is too faint.
  EXPECT_EQ(CountWithin(FindCandidates(response, cv::Mat1b(image.size(), 255), kSpacing, p),
                        outside, 2.0),
            1);
  for (const Calcification& c : calcs) {
    EXPECT_GT(cv::norm(c.centre - outside), 10);
    EXPECT_GT(cv::norm(c.centre - cv::Point2f(300, 100)), 10) << "blob centre";
    // Along the line (ends excluded: an end is a corner, not a line).
    const bool on_line = c.centre.x > 240 && c.centre.x < 360 &&
                         std::abs((c.centre.y - 250) - (c.centre.x - 220) * 130.0 / 160.0) < 4;
    EXPECT_FALSE(on_line) << "at " << c.centre;
  }
}

TEST(Candidates, KeepsAtMostMaxCandidates) {
  cv::Mat1f image = NoisyFlat({300, 300}, 4);
  for (int y = 20; y < 280; y += 20)
    for (int x = 20; x < 280; x += 20) cv::circle(image, {x, y}, 1, cv::Scalar(0.6), -1);
  DetectorParams p;
  p.max_candidates = 10;
  EXPECT_EQ(FindCandidates(EnhanceSpots(image, kSpacing, p), cv::Mat1b(image.size(), 255),
                           kSpacing, p).size(), 10u);
}

TEST(Candidates, ComponentsAreOpenCvsEightConnectedOnesWhateverTheThreads) {
  // Random blobs of all shapes (diagonal touches, U shapes, image edges) under a random mask.
  cv::Mat1f response(301, 257);
  cv::RNG rng(5);
  rng.fill(response, cv::RNG::UNIFORM, 0.0, 10.0);
  cv::GaussianBlur(response, response, cv::Size(), 0.7);
  cv::Mat1b mask(response.size());
  rng.fill(mask, cv::RNG::UNIFORM, 0, 2);
  mask *= 255;
  cv::dilate(mask, mask, cv::Mat());
  DetectorParams p;
  p.candidate_threshold_sigma = 5.6;
  p.max_lineness = 1e9;              // keep every component
  p.max_candidate_diameter_mm = 1e9;
  p.max_candidates = 1 << 20;

  cv::Mat1b above = (response > p.candidate_threshold_sigma) & mask;
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(above, labels, stats, centroids, 8);
  ASSERT_GT(n, 50);
  const auto box_order = [](const cv::Rect& a, const cv::Rect& b) {
    return std::tie(a.y, a.x, a.width, a.height) < std::tie(b.y, b.x, b.width, b.height);
  };
  std::vector<cv::Rect> expected;
  for (int i = 1; i < n; ++i) {
    expected.emplace_back(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                          stats.at<int>(i, cv::CC_STAT_WIDTH),
                          stats.at<int>(i, cv::CC_STAT_HEIGHT));
  }
  std::sort(expected.begin(), expected.end(), box_order);
  for (int threads : {1, 2, 3}) {
    std::vector<cv::Rect> found;
    for (const Calcification& c : FindCandidates(response, mask, kSpacing, p, threads)) {
      found.push_back(c.box);
    }
    std::sort(found.begin(), found.end(), box_order);
    EXPECT_EQ(found, expected) << threads << " threads";
  }
}

// A response map (noise-normalised units) with Gaussian peaks of the given heights.
cv::Mat1f PeaksResponse(const std::vector<std::pair<cv::Point, float>>& peaks) {
  cv::Mat1f response(300, 300, 0.0f);
  for (const auto& [at, height] : peaks) {
    for (int y = at.y - 4; y <= at.y + 4; ++y) {
      for (int x = at.x - 4; x <= at.x + 4; ++x) {
        const double r2 = (x - at.x) * (x - at.x) + (y - at.y) * (y - at.y);
        response(y, x) = std::max(response(y, x), static_cast<float>(height * std::exp(-r2 / 2.0)));
      }
    }
  }
  return response;
}

TEST(Candidates, SecondLookFindsFaintSpotsOnlyNearStrongCandidates) {
  // A strong spot (10 sigma), a faint one 3 mm from it and a faint one 15 mm away (3.5 sigma
  // each: under the 4 sigma threshold, over the second look's 3).
  const cv::Point strong(50, 50), near(80, 50), far(200, 200);
  const cv::Mat1f response = PeaksResponse({{strong, 10.f}, {near, 3.5f}, {far, 3.5f}});
  const cv::Mat1b mask(response.size(), 255);
  DetectorParams p;
  p.candidate_threshold_sigma = 4.0;
  p.cluster_link_distance_mm = 5.0;
  std::vector<Calcification> first = FindCandidates(response, mask, kSpacing, p);
  ASSERT_EQ(first.size(), 1u);
  first[0].score = 0.9;  // as a scorer would say
  EXPECT_TRUE(FindFaintNeighbours(response, mask, first, kSpacing, p).empty())
      << "off by default";
  p.second_look_threshold_sigma = 3.0;
  p.second_look_seed_score = 0.5;
  const std::vector<Calcification> faint = FindFaintNeighbours(response, mask, first, kSpacing, p);
  ASSERT_EQ(faint.size(), 1u);
  EXPECT_LT(cv::norm(faint[0].centre - cv::Point2f(near)), 1.5);
  // The strong spot itself is not found twice, and a seed under the seed score looks nowhere.
  first[0].score = 0.4;
  EXPECT_TRUE(FindFaintNeighbours(response, mask, first, kSpacing, p).empty());
  // Seeds by contrast alone (seed score 0): the 10 sigma spot is one at 8, not at 12.
  p.second_look_seed_score = 0.0;
  p.second_look_seed_sigma = 8.0;
  EXPECT_EQ(FindFaintNeighbours(response, mask, first, kSpacing, p).size(), 1u);
  p.second_look_seed_sigma = 12.0;
  EXPECT_TRUE(FindFaintNeighbours(response, mask, first, kSpacing, p).empty());
  // Only on images analysed at second_look_max_spacing_mm or finer.
  p.second_look_seed_sigma = 8.0;
  p.second_look_max_spacing_mm = kSpacing;
  EXPECT_EQ(FindFaintNeighbours(response, mask, first, kSpacing, p).size(), 1u);
  p.second_look_max_spacing_mm = kSpacing * 0.9;
  EXPECT_TRUE(FindFaintNeighbours(response, mask, first, kSpacing, p).empty());
}

}  // namespace
}  // namespace mammocad::detail
