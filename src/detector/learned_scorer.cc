#include "detector/learned_scorer.h"

#include <algorithm>
#include <cmath>

#include "detector/features.h"
#include "detector/model_nodes.h"

namespace mammocad {

double PlattCalibration::Apply(double raw) const { return 1.0 / (1.0 + std::exp(-(a * raw + b))); }

double ClusterScoreLogit(double score) {
  const double p = std::clamp(score, 1e-9, 1 - 1e-9);
  return std::log(p / (1 - p));
}

LearnedScorer::LearnedScorer(std::shared_ptr<const RandomForest> forest,
                             PlattCalibration calibration, PlattCalibration cluster_calibration,
                             ModelProvenance provenance, DetectorParams fitted,
                             std::vector<NamedOperatingPoint> operating_points)
    : forest_(std::move(forest)),
      calibration_(calibration),
      cluster_calibration_(cluster_calibration),
      provenance_(std::move(provenance)),
      fitted_(fitted),
      operating_points_(std::move(operating_points)) {}

void LearnedScorer::Score(const CandidateContext& context,
                          std::vector<Calcification>* candidates) const {
  const std::vector<double> p = Probabilities(
      ComputeCandidateFeatures(context.image, context.response, context.breast, *candidates,
                               context.spacing_mm, context.params));
  for (size_t i = 0; i < candidates->size(); ++i) (*candidates)[i].score = p[i];
}

double LearnedScorer::ClusterScore(double member_based_score) const {
  return cluster_calibration_.Apply(ClusterScoreLogit(member_based_score));
}

DetectorParams LearnedScorer::FittedParams(DetectorParams base) const {
  return ApplyFittedSettings(fitted_, base);
}

Status LearnedScorer::CheckParams(const DetectorParams& params) const {
  return CheckFittedSettings(fitted_, params, provenance_.version);
}

std::vector<double> LearnedScorer::RawScores(const std::vector<std::vector<float>>& features) const {
  return forest_->Predict(features);
}

std::vector<double> LearnedScorer::Probabilities(
    const std::vector<std::vector<float>>& features) const {
  std::vector<double> p = RawScores(features);
  for (double& v : p) v = calibration_.Apply(v);
  return p;
}

std::shared_ptr<const LearnedScorer> LearnedScorer::WithClusterCalibration(
    PlattCalibration calibration) const {
  return std::make_shared<LearnedScorer>(forest_, calibration_, calibration, provenance_, fitted_);
}

}  // namespace mammocad
