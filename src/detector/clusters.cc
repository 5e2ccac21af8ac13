// Stage 5: clusters. Clinically a cluster is >= 3 calcifications within about 1 cm^2; here
// calcifications closer than cluster_link_distance_mm are linked (single linkage) and linked
// groups with enough members form a cluster.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

class DisjointSets {
 public:
  explicit DisjointSets(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  size_t Find(size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void Join(size_t a, size_t b) { parent_[Find(a)] = Find(b); }

 private:
  std::vector<size_t> parent_;
};

// Single linkage through a grid of link-distance cells: each point is compared with the
// points of its own and the 8 neighbouring cells only, so linking is linear in the number of
// candidates for any realistic density.
DisjointSets LinkNeighbours(const std::vector<Calcification>& calcs, double link_px) {
  DisjointSets sets(calcs.size());
  const auto cell_of = [link_px](cv::Point2f p) {
    return std::pair<long, long>(static_cast<long>(std::floor(p.x / link_px)),
                                 static_cast<long>(std::floor(p.y / link_px)));
  };
  const auto key = [](long cx, long cy) { return (cx << 32) ^ (cy & 0xffffffffL); };
  std::unordered_map<long, std::vector<size_t>> grid;
  for (size_t i = 0; i < calcs.size(); ++i) {
    const auto [cx, cy] = cell_of(calcs[i].centre);
    grid[key(cx, cy)].push_back(i);
  }
  const double link_sq = link_px * link_px;
  for (size_t i = 0; i < calcs.size(); ++i) {
    const auto [cx, cy] = cell_of(calcs[i].centre);
    for (long dy = -1; dy <= 1; ++dy) {
      for (long dx = -1; dx <= 1; ++dx) {
        const auto cell = grid.find(key(cx + dx, cy + dy));
        if (cell == grid.end()) continue;
        for (size_t j : cell->second) {
          if (j <= i) continue;
          const cv::Point2f d = calcs[i].centre - calcs[j].centre;
          if (d.dot(d) <= link_sq) sets.Join(i, j);
        }
      }
    }
  }
  return sets;
}

cv::Rect BoundingBox(const std::vector<Calcification>& members) {
  cv::Rect box = members.front().box;
  for (const Calcification& m : members) box |= m.box;
  return box;
}

// The box of the members that score at least `min_score`, or of all members when fewer than
// `min_members` do (a weak cluster is still outlined around what it is made of).
cv::Rect OutlineBox(const std::vector<Calcification>& members, double min_score,
                    int min_members) {
  std::vector<Calcification> outline;
  for (const Calcification& m : members) {
    if (m.score >= min_score) outline.push_back(m);
  }
  return static_cast<int>(outline.size()) < std::max(1, min_members) ? BoundingBox(members)
                                                                      : BoundingBox(outline);
}

}  // namespace

ClusterEvidence DescribeCluster(const std::vector<Calcification>& members, double spacing_mm) {
  ClusterEvidence e;
  e.members = static_cast<int>(members.size());
  if (members.empty()) return e;
  double mx = 0, my = 0, diameter_sum = 0, diameter_sq = 0;
  for (const Calcification& m : members) {
    mx += m.centre.x;
    my += m.centre.y;
    diameter_sum += m.diameter_mm;
    diameter_sq += m.diameter_mm * m.diameter_mm;
  }
  const double n = static_cast<double>(members.size());
  mx /= n;
  my /= n;
  double sxx = 0, syy = 0, sxy = 0;
  for (const Calcification& m : members) {
    const double dx = m.centre.x - mx, dy = m.centre.y - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  sxx /= n;
  syy /= n;
  sxy /= n;
  e.spread_mm = std::sqrt(sxx + syy) * spacing_mm;
  // Eigenvalues of the centres' covariance: the axes of the cluster's shape.
  const double half_trace = 0.5 * (sxx + syy);
  const double root = std::sqrt(std::max(0.0, 0.25 * (sxx - syy) * (sxx - syy) + sxy * sxy));
  const double major = half_trace + root, minor = std::max(0.0, half_trace - root);
  e.linearity = major > 0 ? 1.0 - std::sqrt(minor / major) : 0.0;
  e.mean_diameter_mm = diameter_sum / n;
  const double variance = std::max(0.0, diameter_sq / n - e.mean_diameter_mm * e.mean_diameter_mm);
  e.size_variety = e.mean_diameter_mm > 0 ? std::sqrt(variance) / e.mean_diameter_mm : 0.0;
  return e;
}

void DiscountByRankInImage(double decay, std::vector<Finding>* findings) {
  if (decay >= 1.0) return;
  std::vector<Finding*> by_score;
  for (Finding& f : *findings) by_score.push_back(&f);
  std::stable_sort(by_score.begin(), by_score.end(),
                   [](const Finding* a, const Finding* b) { return a->score > b->score; });
  double factor = 1.0;
  for (Finding* f : by_score) {
    f->score *= factor;
    factor *= decay;
  }
}

std::vector<bool> CouldJoinACluster(const std::vector<Calcification>& calcs, double spacing_mm,
                                    const DetectorParams& p) {
  // A little farther than the cluster stage links: the centres move by rounding when they are
  // mapped to the input grid, and a candidate wrongly left out would change a cluster.
  const double link_px = p.cluster_link_distance_mm / spacing_mm * 1.02 + 1.0;
  DisjointSets sets = LinkNeighbours(calcs, link_px);
  std::vector<int> group_size(calcs.size(), 0);  // by the group's root
  for (size_t i = 0; i < calcs.size(); ++i) ++group_size[sets.Find(i)];
  std::vector<bool> could(calcs.size());
  for (size_t i = 0; i < calcs.size(); ++i) {
    could[i] = group_size[sets.Find(i)] >= std::max(1, p.cluster_min_members);
  }
  return could;
}

double ClusterScore(std::vector<double> scores, const DetectorParams& p) {
  std::sort(scores.begin(), scores.end(), std::greater<>());
  scores.resize(std::min<size_t>(scores.size(), std::max(p.cluster_score_members,
                                                         p.cluster_min_members)));
  // Poisson-binomial tail by dynamic programming: at_least[k] = P(>= k true so far), k capped
  // at the number needed. Monotone in every member score and never lowered by a new member.
  const int needed = std::max(1, p.cluster_min_members);
  std::vector<double> exactly(needed + 1, 0.0);  // exactly[k], k == needed means ">= needed"
  exactly[0] = 1.0;
  for (double s : scores) {
    for (int k = needed; k >= 1; --k) {
      const double stay = k == needed ? exactly[k] : exactly[k] * (1 - s);
      exactly[k] = stay + exactly[k - 1] * s;
    }
    exactly[0] *= 1 - s;
  }
  return exactly[needed];
}

std::vector<Finding> GroupIntoClusters(const std::vector<Calcification>& all_calcs,
                                       double spacing_mm, cv::Size image_size,
                                       const DetectorParams& p) {
  std::vector<Calcification> calcs;
  for (const Calcification& c : all_calcs) {
    if (c.score >= p.cluster_min_member_score) calcs.push_back(c);
  }
  const double link_px = p.cluster_link_distance_mm / spacing_mm;
  DisjointSets sets = LinkNeighbours(calcs, link_px);
  std::unordered_map<size_t, std::vector<Calcification>> groups;
  for (size_t i = 0; i < calcs.size(); ++i) groups[sets.Find(i)].push_back(calcs[i]);

  const int padding = static_cast<int>(std::lround(p.cluster_box_padding_mm / spacing_mm));
  const double max_extent_px = p.cluster_max_extent_mm / spacing_mm;
  std::vector<Finding> clusters;
  for (auto& [root, members] : groups) {
    if (static_cast<int>(members.size()) < p.cluster_min_members) continue;
    // The extent rule sees every member; the outline only those that look like calcifications.
    const cv::Rect extent = BoundingBox(members);
    if (std::max(extent.width, extent.height) > max_extent_px) continue;
    const cv::Rect members_box =
        OutlineBox(members, p.cluster_outline_min_score, p.cluster_min_members);
    std::sort(members.begin(), members.end(),
              [](const Calcification& a, const Calcification& b) { return a.score > b.score; });
    Finding cluster;
    cluster.kind = FindingKind::kCluster;
    cluster.box = (members_box + cv::Size(2 * padding, 2 * padding) - cv::Point(padding, padding)) &
                  cv::Rect(cv::Point(0, 0), image_size);
    std::vector<double> scores;
    for (const Calcification& m : members) scores.push_back(m.score);
    cluster.score = ClusterScore(scores, p);
    cluster.evidence = DescribeCluster(members, spacing_mm);
    cluster.evidence.member_based_score = cluster.score;
    cluster.members = std::move(members);
    clusters.push_back(std::move(cluster));
  }
  std::sort(clusters.begin(), clusters.end(),
            [](const Finding& a, const Finding& b) { return a.score > b.score; });
  return clusters;
}

}  // namespace mammocad::detail
