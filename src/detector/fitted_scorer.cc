#include "detector/fitted_scorer.h"

#include <algorithm>
#include <cmath>

#include "detector/model_nodes.h"

namespace mammocad {

double PlattCalibration::Apply(double raw) const { return 1.0 / (1.0 + std::exp(-(a * raw + b))); }

double ClusterScoreLogit(double score) {
  const double p = std::clamp(score, 1e-9, 1 - 1e-9);
  return std::log(p / (1 - p));
}

double FittedScorer::ClusterScore(const ClusterEvidence& evidence) const {
  if (!model_.cluster_model.empty()) return model_.cluster_model.Apply(evidence);
  return model_.cluster_calibration.Apply(ClusterScoreLogit(evidence.member_based_score));
}

DetectorParams FittedScorer::FittedParams(DetectorParams base) const {
  return ApplyFittedSettings(model_.fitted, base);
}

Status FittedScorer::CheckParams(const DetectorParams& params) const {
  return CheckFittedSettings(model_.fitted, params, model_.provenance.version);
}

}  // namespace mammocad
