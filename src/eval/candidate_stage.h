// The candidate stage measured alone (issue 15, item 3): does it keep the members of every
// cluster, so that the scorer, not the candidate threshold, decides? For each image of a
// generated set, an inserted cluster is kept when at least `min_members` of its simulated
// calcifications are hit by a candidate (the hit rule; a spot's circle is its radius, at least
// min_spot_hit_radius_mm); also counted: candidates per image.
#ifndef MAMMOCAD_EVAL_CANDIDATE_STAGE_H_
#define MAMMOCAD_EVAL_CANDIDATE_STAGE_H_

#include "eval/evaluation.h"

namespace mammocad {

// A cluster the candidate stage lost, described so that it can be looked at one by one.
struct LostCluster {
  int image = 0;
  cv::Point2f centre;        // pixels of the generated image
  int spots = 0, found = 0;  // simulated calcifications, and those hit by a candidate
  double median_diameter_mm = 0.0, median_contrast = 0.0;
  double tissue = 0.0;       // mean intensity around the cluster ([0, 1])
  std::string morphology;    // the most common morphology of its calcifications
  // With `crop_lost`: the cluster's neighbourhood, 8-bit BGR, stretched to its own range;
  // calcifications circled green (hit) or yellow (missed), candidates boxed red.
  cv::Mat crop;
};

// How visible a simulated calcification is in the image itself, as a reader would judge it:
// the Rose signal-to-noise ratio of the spot's disc (radius: half its extent plus a pixel for
// the blur) against the ring around it (2-6 pixels further out), whose spread counts noise and
// tissue texture alike: (mean(disc) - mean(ring)) / sd(ring) * sqrt(pixels in disc).
double SpotVisibility(const Image& image, const SyntheticSpot& spot);

// Rose's criterion: a spot is visible from an SNR of about 5.
inline constexpr double kVisibleSpotSnr = 5.0;

struct CandidateStageReport {
  int images = 0;
  int clusters = 0, clusters_kept = 0;  // kept: >= min_members members among the candidates
  int members = 0, members_found = 0;   // simulated calcifications, and those hit
  // The same counts restricted to what can be seen (SpotVisibility >= kVisibleSpotSnr):
  // clusters with >= min_members visible calcifications, and those of them kept by their
  // visible members alone.
  int visible_clusters = 0, visible_clusters_kept = 0;
  int visible_members = 0, visible_members_found = 0;
  int visible_missed_by_morphology[kCalcMorphologyCount] = {};  // by CalcMorphology
  long candidates = 0;
  std::vector<LostCluster> lost;        // in image order
};

Status MeasureCandidateStage(const Detector& detector, int images, const SyntheticSource& source,
                             int threads, int min_members, double min_spot_hit_radius_mm,
                             bool crop_lost, CandidateStageReport* report);

// Writes each lost cluster's `crop` as DIR/lost-<image>-<x>-<y>.png (DIR created), and
// appends the names written. Errors: kIoError.
Status WriteLostClusterPictures(const CandidateStageReport& report, const std::string& dir,
                                std::vector<std::string>* written);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_CANDIDATE_STAGE_H_
