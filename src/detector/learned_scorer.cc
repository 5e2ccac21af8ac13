#include "detector/learned_scorer.h"

#include <algorithm>
#include <cmath>

#include "detector/features.h"

namespace mammocad {

LearnedScorer::LearnedScorer(std::shared_ptr<const RandomForest> forest, FittedModel model)
    : FittedScorer(std::move(model)), forest_(std::move(forest)) {}

void LearnedScorer::Score(const CandidateContext& context,
                          std::vector<Calcification>* candidates) const {
  const std::vector<double> p = Probabilities(
      ComputeCandidateFeatures(context.image, context.response, context.breast, *candidates,
                               context.spacing_mm, context.params));
  for (size_t i = 0; i < candidates->size(); ++i) (*candidates)[i].score = p[i];
}

std::vector<double> LearnedScorer::RawScores(const std::vector<std::vector<float>>& features) const {
  return forest_->Predict(features);
}

std::vector<double> LearnedScorer::Probabilities(
    const std::vector<std::vector<float>>& features) const {
  std::vector<double> p = RawScores(features);
  for (double& v : p) v = model_.calibration.Apply(v);
  return p;
}

std::shared_ptr<const LearnedScorer> LearnedScorer::WithClusterCalibration(
    PlattCalibration calibration) const {
  FittedModel recalibrated = model_;
  recalibrated.cluster_calibration = calibration;
  recalibrated.operating_points.clear();  // thresholds on the old cluster scores
  return std::make_shared<LearnedScorer>(forest_, std::move(recalibrated));
}

}  // namespace mammocad
