// The morphological calcification model (include/mammocad/synthetic.h), internal to src/synth.
#ifndef MAMMOCAD_SYNTH_CALCIFICATION_MODEL_H_
#define MAMMOCAD_SYNTH_CALCIFICATION_MODEL_H_

#include <opencv2/core.hpp>
#include <random>
#include <vector>

#include "synth/synthetic.h"

namespace mammocad::synth {

// One calcification of a morphology drawn from model.morphologies, centred at the origin.
SyntheticSpot MakeCalcification(const CalcificationModel& model, std::mt19937_64& rng);

// Lobes of a calcification of longest extent `size` (mm): count, semi-major axis (a fraction of
// size / 2) and axis ratio drawn uniformly in [min, min + range]; the first lobe is centred,
// the others anywhere with the lobe wholly inside the size / 2 disc.
struct LobeShape {
  int min_count, max_count;
  double min_semi, semi_range;
  double min_ratio, ratio_range;
};
std::vector<CalcBlob> LobedBlobs(double size, const LobeShape& shape, std::mt19937_64& rng);

// A cluster around `centre` (pixels): radius and count drawn from the model, calcifications
// placed uniformly in the disc without overlapping.
SyntheticCluster MakeModelCluster(cv::Point2f centre, const CalcificationModel& model,
                                  double spacing_mm, std::mt19937_64& rng);

// Calcium (mm along the ray) of the blobs at (x_mm, y_mm) from their calcification's centre.
double CalciumThickness(const std::vector<CalcBlob>& blobs, double x_mm, double y_mm);

// Adds the calcification's projected calcium (supersampled: partial volume) to `layer`.
void DrawCalcification(const SyntheticSpot& spot, double spacing_mm, cv::Mat1f* layer);

// The bounding box of the cluster's spots (each spot's disc of diameter_mm), in pixels.
cv::Rect SpotsBoundingBox(const std::vector<SyntheticSpot>& spots, double spacing_mm);

// Gaussian sigma (pixels) of the imaging blur: focal spot (mm) and detector aperture (pixels).
double ModelBlurSigmaPx(const CalcificationModel& model, double spacing_mm);

}  // namespace mammocad::synth

#endif  // MAMMOCAD_SYNTH_CALCIFICATION_MODEL_H_
