#include <gtest/gtest.h>

#include <chrono>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

constexpr double kSpacing = 0.1;                 // mm per pixel
const cv::Size kImage(2000, 2000);

Calcification At(float x_mm, float y_mm, double score = 0.8) {
  Calcification c;
  c.centre = {x_mm / static_cast<float>(kSpacing), y_mm / static_cast<float>(kSpacing)};
  c.box = cv::Rect(static_cast<int>(c.centre.x) - 2, static_cast<int>(c.centre.y) - 2, 5, 5);
  c.score = score;
  return c;
}

TEST(Clusters, RankDecayDiscountsAnImagesLesserClustersAndKeepsTheirOrder) {
  std::vector<Finding> findings(3);
  findings[0].score = 0.5;
  findings[1].score = 0.9;
  findings[2].score = 0.8;
  DiscountByRankInImage(1.0, &findings);
  EXPECT_DOUBLE_EQ(findings[0].score, 0.5);
  EXPECT_DOUBLE_EQ(findings[1].score, 0.9);
  DiscountByRankInImage(0.5, &findings);
  EXPECT_DOUBLE_EQ(findings[1].score, 0.9);         // the best: unchanged
  EXPECT_DOUBLE_EQ(findings[2].score, 0.8 * 0.5);   // the second
  EXPECT_DOUBLE_EQ(findings[0].score, 0.5 * 0.25);  // the third
  EXPECT_GT(findings[2].score, findings[0].score);  // the order by score holds
}

TEST(Clusters, ThreeCloseCalcificationsMakeOneCluster) {
  const auto clusters = GroupIntoClusters({At(50, 50, 0.6), At(52, 51, 0.9), At(51, 53, 0.7)},
                                          kSpacing, kImage, DetectorParams());
  ASSERT_EQ(clusters.size(), 1u);
  const Finding& c = clusters[0];
  EXPECT_EQ(c.kind, FindingKind::kCluster);
  ASSERT_EQ(c.members.size(), 3u);
  EXPECT_DOUBLE_EQ(c.members[0].score, 0.9);  // strongest first
  EXPECT_DOUBLE_EQ(c.members[2].score, 0.6);
  for (const Calcification& m : c.members) EXPECT_EQ(c.box & m.box, m.box);
  // Members' box (498..526 px) plus 1 mm of padding.
  EXPECT_EQ(c.box, cv::Rect(cv::Point(488, 488), cv::Point(533, 543)));
}

// Below cluster_min_member_score a candidate neither counts as a member nor links others.
TEST(Clusters, MemberFloorDropsWeakCandidates) {
  const std::vector<Calcification> calcs = {At(50, 50, 0.6), At(52, 51, 0.9), At(51, 53, 0.02)};
  DetectorParams p;
  EXPECT_EQ(GroupIntoClusters(calcs, kSpacing, kImage, p).size(), 1u);
  p.cluster_min_member_score = 0.05;
  EXPECT_TRUE(GroupIntoClusters(calcs, kSpacing, kImage, p).empty());
  // A weak candidate between two groups no longer bridges them into one.
  const std::vector<Calcification> chain = {At(50, 50), At(51, 52), At(52, 50), At(55, 50, 0.01),
                                            At(58, 50), At(59, 52), At(60, 50)};
  p.cluster_min_member_score = 0.0;
  EXPECT_EQ(GroupIntoClusters(chain, kSpacing, kImage, p).size(), 1u);
  p.cluster_min_member_score = 0.05;
  EXPECT_EQ(GroupIntoClusters(chain, kSpacing, kImage, p).size(), 2u);
}

// Near-zero members (cluster_outline_min_score) stay in the cluster but do not stretch its box.
TEST(Clusters, OutlineLeavesOutNearZeroMembers) {
  const std::vector<Calcification> calcs = {At(50, 50, 0.6), At(52, 51, 0.9), At(51, 53, 0.7),
                                            At(53, 57, 0.001)};
  DetectorParams p;
  ASSERT_EQ(p.cluster_outline_min_score, 0.002);
  const auto clusters = GroupIntoClusters(calcs, kSpacing, kImage, p);
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].members.size(), 4u);  // it still counts
  EXPECT_EQ(clusters[0].box, cv::Rect(cv::Point(488, 488), cv::Point(533, 543)));  // as above
  p.cluster_outline_min_score = 0.0;  // every member outlines the cluster
  const auto all = GroupIntoClusters(calcs, kSpacing, kImage, p);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].box & calcs[3].box, calcs[3].box);
  // With fewer than cluster_min_members above the floor, all members outline it.
  p.cluster_outline_min_score = 0.65;
  const auto weak = GroupIntoClusters(calcs, kSpacing, kImage, p);
  ASSERT_EQ(weak.size(), 1u);
  EXPECT_EQ(weak[0].box, all[0].box);
}

TEST(Clusters, TwoCalcificationsAreNoCluster) {
  EXPECT_TRUE(GroupIntoClusters({At(50, 50), At(52, 51)}, kSpacing, kImage, DetectorParams())
                  .empty());
}

TEST(Clusters, DistantGroupsAreSeparateAndLonersDropped) {
  const std::vector<Calcification> calcs = {
      At(20, 20, 0.5), At(22, 21, 0.5), At(21, 23, 0.5),             // group A (weaker)
      At(120, 150, 0.9), At(123, 150, 0.9), At(121, 153, 0.9), At(126, 152, 0.9),  // group B
      At(80, 80),                                                      // loner
      At(150, 40), At(158, 40)};                                       // 8 mm apart: unlinked
  const auto clusters = GroupIntoClusters(calcs, kSpacing, kImage, DetectorParams());
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].members.size(), 4u);  // B scores higher, comes first
  EXPECT_EQ(clusters[1].members.size(), 3u);
  EXPECT_GT(clusters[0].score, clusters[1].score);
}

TEST(Clusters, SingleLinkageChainsWithinTheLinkDistance) {
  const DetectorParams p;  // 5 mm link
  const std::vector<Calcification> chain = {At(10, 10), At(14, 10), At(18, 10)};  // 4 mm steps
  EXPECT_EQ(GroupIntoClusters(chain, kSpacing, kImage, p).size(), 1u);
  const std::vector<Calcification> gaps = {At(10, 10), At(16, 10), At(22, 10)};   // 6 mm steps
  EXPECT_TRUE(GroupIntoClusters(gaps, kSpacing, kImage, p).empty());
}

TEST(Clusters, TooLongGroupsAreNotClusters) {
  std::vector<Calcification> vessel;  // 40 mm of calcified vessel wall
  for (int i = 0; i <= 20; ++i) vessel.push_back(At(20.0f + 2.0f * i, 100));
  EXPECT_TRUE(GroupIntoClusters(vessel, kSpacing, kImage, DetectorParams()).empty());
  // Its first 20 mm, within cluster_max_extent_mm, is one cluster: the length alone rules the
  // whole wall out, not the spacing or the scores.
  const std::vector<Calcification> short_wall(vessel.begin(), vessel.begin() + 11);
  EXPECT_EQ(GroupIntoClusters(short_wall, kSpacing, kImage, DetectorParams()).size(), 1u);
}

TEST(Clusters, ScoreIsMonotoneInMembersAndCount) {
  const DetectorParams p;
  EXPECT_NEAR(ClusterScore({1.0, 1.0, 1.0}, p), 1.0, 1e-12);
  EXPECT_NEAR(ClusterScore({0.5, 0.5, 0.5}, p), 0.125, 1e-12);  // all three needed
  EXPECT_DOUBLE_EQ(ClusterScore({0.9, 0.9}, p), 0.0);           // too few to be a cluster
  const std::vector<double> base = {0.8, 0.6, 0.4, 0.3};
  const double s = ClusterScore(base, p);
  for (size_t i = 0; i < base.size(); ++i) {
    std::vector<double> raised = base;
    raised[i] += 0.1;
    EXPECT_GT(ClusterScore(raised, p), s) << "member " << i;
  }
  // A further member never lowers the score; one stronger than the weakest counted raises it.
  std::vector<double> more = base;
  more.push_back(0.2);
  EXPECT_GE(ClusterScore(more, p), s);
  more.push_back(0.5);
  EXPECT_GT(ClusterScore(more, p), s);
  // P(>= 3 of {0.8, 0.6, 0.4, 0.3}) by enumeration (the default counts the strongest 4).
  ASSERT_EQ(p.cluster_min_members, 3);
  ASSERT_EQ(p.cluster_score_members, 4);
  double expected = 0;
  for (int mask = 0; mask < 16; ++mask) {
    double prob = 1;
    for (int i = 0; i < 4; ++i) prob *= (mask >> i & 1) ? base[i] : 1 - base[i];
    if (__builtin_popcount(mask) >= 3) expected += prob;
  }
  EXPECT_NEAR(s, expected, 1e-12);
}

TEST(Clusters, LinkingScalesToManyCandidates) {
  // A dense grid of 40000 candidates must link quickly (grid hashing, not all pairs).
  std::vector<Calcification> calcs;
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 200; ++x) calcs.push_back(At(x * 20.0f, y * 20.0f));  // 20 mm apart
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(GroupIntoClusters(calcs, kSpacing, {50000, 50000}, DetectorParams()).empty());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
}

}  // namespace
}  // namespace mammocad::detail
