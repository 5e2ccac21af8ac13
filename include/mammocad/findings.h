// Findings: what a detection task reports about one image, in the pixel grid of the input.
// Plain values shared by the detector, the renderer and the replies (a future task, such as
// masses, reports the same kinds of boxes and scores).
#ifndef MAMMOCAD_FINDINGS_H_
#define MAMMOCAD_FINDINGS_H_

#include <opencv2/core.hpp>
#include <vector>

namespace mammocad {

struct Calcification {
  cv::Rect box;            // pixel grid of the input image
  cv::Point2f centre;      // pixels
  double score = 0.0;      // [0, 1]
  double diameter_mm = 0.0;
  double contrast = 0.0;   // peak noise-normalised response (in noise sigmas)
};

enum class FindingKind { kCluster, kCalcification };

// What the cluster stage measured of one cluster besides its members' scores: the evidence a
// scorer's cluster model weighs (CandidateScorer::ClusterScore). Sizes in mm.
struct ClusterEvidence {
  double member_based_score = 0.0;  // P(>= cluster_min_members true members), clusters.cc
  int members = 0;
  double spread_mm = 0.0;          // RMS distance of the members' centres from their mean
  double linearity = 0.0;          // 1 - minor/major axis of the centres (0 round, 1 a line)
  double size_variety = 0.0;       // coefficient of variation of the members' diameters
  double mean_diameter_mm = 0.0;
  double skin_distance_mm = -1.0;  // the centre's distance to the breast outline; < 0 unknown
  // Of the whole image: candidates per cm2 of breast. A film strewn with specks (dust, grain,
  // diffusely scattered benign calcifications) makes clusters by chance anywhere; < 0 unknown.
  double image_candidates_per_cm2 = -1.0;
};

struct Finding {
  FindingKind kind = FindingKind::kCluster;
  double score = 0.0;                      // [0, 1]
  cv::Rect box;                            // pixel grid of the input image
  std::vector<Calcification> members;      // clusters only; highest score first
  ClusterEvidence evidence;                // clusters only
};

}  // namespace mammocad

#endif  // MAMMOCAD_FINDINGS_H_
