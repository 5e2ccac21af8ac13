// The learned candidate scorer: the candidate features (features.h) through a random forest
// (random_forest.h), calibrated by Platt scaling into the probability that a candidate is a
// true calcification; cluster scores recalibrated the same way. Trained by `mammocad train`
// (src/eval/training.h), stored in a model file (model_file.h); docs/learned-scoring.md.
//
// Thread-safety: immutable; every method may be called from many threads at once.
#ifndef MAMMOCAD_DETECTOR_LEARNED_SCORER_H_
#define MAMMOCAD_DETECTOR_LEARNED_SCORER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "detector/random_forest.h"
#include "detector/fitted_scorer.h"

namespace mammocad {

class LearnedScorer final : public FittedScorer {
 public:
  // `forest` must not be null; `model`: its calibrations, provenance, fitted settings and
  // operating points (none for a freshly trained one).
  LearnedScorer(std::shared_ptr<const RandomForest> forest, FittedModel model);

  std::string_view name() const override { return "learned"; }
  void Score(const CandidateContext& context,
             std::vector<Calcification>* candidates) const override;

  // The forest's raw output (mean tree vote, about [0, 1]) per row of features.
  std::vector<double> RawScores(const std::vector<std::vector<float>>& features) const;
  // Calibrated probabilities that each candidate is a true calcification.
  std::vector<double> Probabilities(const std::vector<std::vector<float>>& features) const;

  // The same model with another cluster calibration (training fits it after the forest); its
  // operating points are dropped, as they were thresholds on the old cluster scores.
  std::shared_ptr<const LearnedScorer> WithClusterCalibration(PlattCalibration calibration) const;

  const RandomForest& forest() const { return *forest_; }

 private:
  std::shared_ptr<const RandomForest> forest_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_LEARNED_SCORER_H_
