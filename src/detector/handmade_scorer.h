// The hand-made candidate score (mammocad/candidate_scorer.h: HandmadeScorer): the logistic
// of the noise-normalised contrast. The candidate stage ranks candidates by it too.
#ifndef MAMMOCAD_DETECTOR_HANDMADE_SCORER_H_
#define MAMMOCAD_DETECTOR_HANDMADE_SCORER_H_

#include "mammocad/detector_params.h"

namespace mammocad {

// logistic((contrast - score_midpoint_sigma) / score_slope_sigma): monotone, in (0, 1),
// image-independent.
double HandmadeCandidateScore(double contrast_sigma, const DetectorParams& params);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_HANDMADE_SCORER_H_
