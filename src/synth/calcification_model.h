// The morphological calcification model (include/mammocad/synthetic.h), internal to src/synth.
#ifndef MAMMOCAD_SYNTH_CALCIFICATION_MODEL_H_
#define MAMMOCAD_SYNTH_CALCIFICATION_MODEL_H_

#include <opencv2/core.hpp>
#include <random>

#include "synth/synthetic.h"

namespace mammocad::synth {

// One calcification of a morphology drawn from model.morphologies, centred at the origin.
SyntheticSpot MakeCalcification(const CalcificationModel& model, std::mt19937_64& rng);

// A cluster around `centre` (pixels): radius and count drawn from the model, calcifications
// placed uniformly in the disc without overlapping.
SyntheticCluster MakeModelCluster(cv::Point2f centre, const CalcificationModel& model,
                                  double spacing_mm, std::mt19937_64& rng);

// Adds the calcification's projected calcium (supersampled: partial volume) to `layer`.
void DrawCalcification(const SyntheticSpot& spot, double spacing_mm, cv::Mat1f* layer);

// The bounding box of the cluster's spots (each spot's disc of diameter_mm), in pixels.
cv::Rect SpotsBoundingBox(const std::vector<SyntheticSpot>& spots, double spacing_mm);

// Gaussian sigma (pixels) of the imaging blur: focal spot (mm) and detector aperture (pixels).
double ModelBlurSigmaPx(const CalcificationModel& model, double spacing_mm);

}  // namespace mammocad::synth

#endif  // MAMMOCAD_SYNTH_CALCIFICATION_MODEL_H_
