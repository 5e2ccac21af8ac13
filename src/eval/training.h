// Training the learned candidate scorer on simulated data (`mammocad train`,
// docs/learned-scoring.md). Everything is derived from one seed, so a model can be rebuilt.
#ifndef MAMMOCAD_TRAINING_H_
#define MAMMOCAD_TRAINING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "eval/evaluation.h"
#include "detector/learned_scorer.h"

namespace mammocad {

struct TrainingOptions {
  std::uint64_t seed = 1;
  int images = 200;                 // realistic synthetic images (RealisticSyntheticOptions)
  std::vector<double> spacings_mm = {0.05, 0.07, 0.1, 0.14, 0.2};  // image i uses i % size
  int max_side_px = 1536;
  // Every calibration_every-th image goes to the calibration set (Platt scaling), not training.
  int calibration_every = 4;
  // Optional: simulated clusters inserted into these real normal films (0.2 mm) as well.
  std::vector<std::string> normal_films;
  double film_spacing_mm = 0.2;
  // Optional: real films (at film_spacing_mm) with annotated calcification clusters. Their
  // candidates inside an annotation circle (radius at least min_lesion_radius_mm) are labelled
  // true, all others false; films without lesions in `annotated_truth` are normal.
  std::vector<std::string> annotated_films;
  GroundTruth annotated_truth;   // by file stem
  double min_lesion_radius_mm = 1.0;
  // Stored in the model: candidates less probable than this join no cluster.
  double min_member_probability = 0.0;
  int threads = 1;
  std::string version = "calc-v3";
  // The candidate stage the scorer will sit behind (stored in the model). Wider than the
  // hand-made detector's (DetectorParams: 4.5 sigma, background ratio 4): a narrower band and a
  // lower threshold admit the faint near-pixel calcifications of 200 um films together with
  // many more false candidates, which the forest, unlike the contrast alone, can rank
  // (docs/learned-scoring.md, "calc-v3").
  double candidate_threshold_sigma = 4.0;
  double max_lineness = 0.7;
  double background_ratio = 2.5;
  // Candidate-level hit circle: the spot's radius, at least this (as in EvaluateSynthetic).
  double min_spot_hit_radius_mm = 0.25;
};

// Labelled candidates of a set of images.
struct LabelledCandidates {
  std::vector<std::vector<float>> features;
  std::vector<int> labels;  // 1: the candidate lies on a simulated calcification
  void Append(const LabelledCandidates& other);
};

struct TrainingReport {
  int images = 0;
  LabelledCandidates training, calibration;
  // On the calibration set: mean log-loss of the hand-made score and of the calibrated model,
  // and the area under the ROC curve of each (candidate level).
  double handmade_log_loss = 0, model_log_loss = 0;
  double handmade_auc = 0, model_auc = 0;
  // Reliability of the calibrated probabilities on the calibration set: 10 equal-width bins.
  std::vector<int> bin_count;
  std::vector<double> bin_mean_probability, bin_true_fraction;
  // Cluster findings of the calibration images (with the learned scorer) and how many hit a
  // simulated cluster: the data of the cluster calibration.
  int calibration_clusters = 0, calibration_true_clusters = 0;
  // False when either class had too few clusters: the cluster scores are then left uncalibrated.
  bool cluster_calibration_fitted = false;
};

// Generates the images, detects and labels candidates, trains and calibrates the scorer.
// Errors: a detector or image failure, or too few candidates of a class.
Status TrainCandidateScorer(const TrainingOptions& options, const ProgressCallback& progress,
                            std::shared_ptr<const LearnedScorer>* scorer,
                            TrainingReport* report);

// K-fold cross-validation over options.annotated_films: fold k's films (the films with lesions
// dealt round-robin over the folds first, then the others) are left out of training (also
// from normal_films) and evaluated with the model trained on the rest; the findings of all
// folds are pooled into one report (lesion indices global, images in fold order). This is the
// honest figure for a model that learns from the annotated films. Errors: folds < 2, more
// folds than films, or a training/evaluation failure.
Status CrossValidate(const TrainingOptions& options, int folds,
                     const ProgressCallback& progress, EvaluationReport* pooled);

// Area under the ROC curve of scores against 0/1 labels (ties count half).
double RocAuc(const std::vector<double>& scores, const std::vector<int>& labels);

}  // namespace mammocad

#endif  // MAMMOCAD_TRAINING_H_
