// The candidate stage measured alone (issue 15, item 3): does it keep the members of every
// cluster, so that the scorer, not the candidate threshold, decides? For each image of a
// generated set, an inserted cluster is kept when at least `min_members` of its simulated
// calcifications are hit by a candidate (the hit rule; a spot's circle is its radius, at least
// min_spot_hit_radius_mm); also counted: candidates per image.
#ifndef MAMMOCAD_EVAL_CANDIDATE_STAGE_H_
#define MAMMOCAD_EVAL_CANDIDATE_STAGE_H_

#include "eval/evaluation.h"

namespace mammocad {

struct CandidateStageReport {
  int images = 0;
  int clusters = 0, clusters_kept = 0;  // kept: >= min_members members among the candidates
  int members = 0, members_found = 0;   // simulated calcifications, and those hit
  long candidates = 0;
};

Status MeasureCandidateStage(const Detector& detector, int images, const SyntheticSource& source,
                             int threads, int min_members, double min_spot_hit_radius_mm,
                             CandidateStageReport* report);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_CANDIDATE_STAGE_H_
