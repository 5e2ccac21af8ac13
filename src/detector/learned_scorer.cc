#include "detector/learned_scorer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "detector/features.h"

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
  for (const ParamInfo& p : DetectorParamTable()) {
    if (IsFittedStage(p.stage)) p.set(&base, p.get(fitted_));
  }
  return base;
}

Status LearnedScorer::CheckParams(const DetectorParams& params) const {
  for (const ParamInfo& p : DetectorParamTable()) {
    if (!IsFittedStage(p.stage) || p.get(params) == p.get(fitted_)) continue;
    char values[96];
    std::snprintf(values, sizeof values, " %.17g, the detector %.17g", p.get(fitted_),
                  p.get(params));
    return Status(ErrorCode::kBadParameter,
                  "the learned model " + provenance_.version + " was fitted with " +
                      std::string(p.name) + values +
                      ": it knows only the candidates and clusters of its own settings "
                      "(retrain it to change them)");
  }
  return Status::Ok();
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
