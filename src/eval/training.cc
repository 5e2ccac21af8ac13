// Training the learned candidate scorer on simulated data (eval/training.h).
#include "eval/training.h"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <mutex>
#include <numeric>
#include <thread>

#include <filesystem>
#include <set>

#include "detector/candidate_trace.h"
#include "detector/handmade_scorer.h"
#include "eval/platt.h"

namespace mammocad {
namespace {

// Fewest true and false clusters on the calibration images for a cluster calibration fit.
constexpr int kMinClustersPerClass = 10;
// True : false candidates the forest is trained on, at most (true ones are repeated).
constexpr double kBalancedTrueFraction = 0.2;

// `set` with its true candidates repeated (whole copies, in order) until they are about
// `fraction` of the false ones; never fewer than in `set`.
LabelledCandidates Balanced(const LabelledCandidates& set, double fraction) {
  int positives = 0;
  for (int l : set.labels) positives += l;
  const int negatives = static_cast<int>(set.labels.size()) - positives;
  const int copies = positives > 0 ? static_cast<int>(fraction * negatives / positives) : 0;
  LabelledCandidates out = set;
  for (int c = 1; c < copies; ++c) {
    for (size_t i = 0; i < set.labels.size(); ++i) {
      if (!set.labels[i]) continue;
      out.features.push_back(set.features[i]);
      out.labels.push_back(1);
    }
  }
  return out;
}

// Candidates of one image with their labels: true if on a simulated spot, or, for an
// annotated film (clusters without spots), inside an annotated circle.
Status LabelImage(const Detector& detector, const SyntheticMammogram& m,
                  double min_spot_hit_radius_mm, LabelledCandidates* out) {
  const double spacing = m.image.file_spacing_mm;
  std::vector<TruthLesion> spots;
  for (const SyntheticCluster& c : m.clusters) {
    if (c.spots.empty()) spots.push_back({c.centre, static_cast<float>(c.radius_px)});
    for (const SyntheticSpot& s : c.spots) {
      spots.push_back(SpotCircle(s, spacing, min_spot_hit_radius_mm));
    }
  }
  DetectOptions options;
  options.spacing_override_mm = spacing;
  options.level = FindingLevel::kCalcification;
  // One thread per image: strips would change features by float rounding with the machine's
  // load, and the model file would not be reproducible byte for byte.
  options.max_threads = 1;
  DetectionResult result;
  CandidateTrace trace;
  if (Status s = DetectWithTrace(detector, m.image, options, &result, &trace); !s.ok()) return s;
  out->features = std::move(trace.features);
  out->labels.clear();
  for (const Calcification& c : trace.candidates) {
    out->labels.push_back(MatchLesion(c.box, spots) >= 0 ? 1 : 0);
  }
  return Status::Ok();
}

double LogLoss(const std::vector<double>& p, const std::vector<int>& labels) {
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double q = std::clamp(p[i], 1e-6, 1 - 1e-6);
    sum -= labels[i] ? std::log(q) : std::log(1 - q);
  }
  return p.empty() ? 0 : sum / static_cast<double>(p.size());
}

void Reliability(const std::vector<double>& p, const std::vector<int>& labels,
                 TrainingReport* report) {
  constexpr int kBins = 10;
  report->bin_count.assign(kBins, 0);
  report->bin_mean_probability.assign(kBins, 0);
  report->bin_true_fraction.assign(kBins, 0);
  for (size_t i = 0; i < p.size(); ++i) {
    const int bin = std::clamp(static_cast<int>(p[i] * kBins), 0, kBins - 1);
    ++report->bin_count[bin];
    report->bin_mean_probability[bin] += p[i];
    report->bin_true_fraction[bin] += labels[i];
  }
  for (int b = 0; b < kBins; ++b) {
    if (report->bin_count[b] == 0) continue;
    report->bin_mean_probability[b] /= report->bin_count[b];
    report->bin_true_fraction[b] /= report->bin_count[b];
  }
}

// An annotated film as training data: the image and its lesions as clusters without spots.
Status AnnotatedFilm(const TrainingOptions& options, int index, SyntheticMammogram* m) {
  const std::string& path = options.annotated_films[index];
  *m = SyntheticMammogram();
  if (Status s = LoadImageFile(path, &m->image); !s.ok()) return s;
  m->image.file_spacing_mm = options.film_spacing_mm;
  const auto lesions = options.annotated_truth.find(ImageKey(path));
  if (lesions == options.annotated_truth.end()) return Status::Ok();
  for (const TruthLesion& l : lesions->second) {
    SyntheticCluster c;
    c.centre = l.centre;
    c.radius_px = std::max<double>(l.radius, options.min_lesion_radius_mm / options.film_spacing_mm);
    m->clusters.push_back(c);
  }
  return Status::Ok();
}

bool HasLesions(const GroundTruth& truth, const std::string& path) {
  const auto it = truth.find(ImageKey(path));
  return it != truth.end() && !it->second.empty();
}

}  // namespace

void LabelledCandidates::Append(const LabelledCandidates& other) {
  features.insert(features.end(), other.features.begin(), other.features.end());
  labels.insert(labels.end(), other.labels.begin(), other.labels.end());
}

double RocAuc(const std::vector<double>& scores, const std::vector<int>& labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Mann-Whitney U with average ranks for ties.
  double rank_sum = 0, positives = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    const double rank = (i + 1 + j) / 2.0;
    for (size_t k = i; k < j; ++k) {
      if (labels[order[k]]) { rank_sum += rank; ++positives; }
    }
    i = j;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) return 0.5;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

Status TrainCandidateScorer(const TrainingOptions& options, const ProgressCallback& progress,
                            std::shared_ptr<const LearnedScorer>* scorer,
                            TrainingReport* report) {
  *report = TrainingReport();
  // The hand-made pipeline with the model's candidate stage finds the candidates.
  DetectorParams params;
  params.candidate_threshold_sigma = options.candidate_threshold_sigma;
  params.max_lineness = options.max_lineness;
  params.background_ratio = options.background_ratio;
  const Detector detector(params);
  // The clusters of the learned detector (cluster calibration below) use the model's floor.
  params.cluster_min_member_score = options.min_member_probability;
  const int synthetic = std::max(0, options.images);
  const int films = static_cast<int>(options.normal_films.size());
  const int annotated = static_cast<int>(options.annotated_films.size());
  const int n = synthetic + films + annotated;
  std::vector<LabelledCandidates> per_image(n);
  const SyntheticSource films_source = InsertionSource(
      options.normal_films, options.film_spacing_mm, options.seed ^ 0xF11E5ull, 1);
  const auto make_image = [&](int i, SyntheticMammogram* m) -> Status {
    if (i >= synthetic + films) return AnnotatedFilm(options, i - synthetic - films, m);
    if (i >= synthetic) return films_source(i - synthetic, m);
    const double spacing = options.spacings_mm[i % options.spacings_mm.size()];
    *m = MakeSyntheticMammogram(
        RealisticSyntheticOptions(spacing, SyntheticSeed(options.seed, i), options.max_side_px));
    return Status::Ok();
  };
  const auto is_calibration = [&](int i) {
    return options.calibration_every > 0 && i % options.calibration_every ==
                                                options.calibration_every - 1;
  };
  const auto label_one = [&](int i) -> Status {
    SyntheticMammogram m;
    if (Status s = make_image(i, &m); !s.ok()) return s;
    return LabelImage(detector, m, options.min_spot_hit_radius_mm, &per_image[i]);
  };
  // Images are labelled on `threads` workers taking the next index from a shared counter.
  if (Status s = FanOut(n, options.threads, label_one, progress); !s.ok()) return s;
  for (int i = 0; i < n; ++i) {
    (is_calibration(i) ? report->calibration : report->training).Append(per_image[i]);
  }
  report->images = n;
  ModelProvenance provenance;
  provenance.version = options.version;
  provenance.seed = options.seed;
  provenance.training_images = n;
  provenance.training_candidates = static_cast<int>(report->training.labels.size());
  provenance.calibration_candidates = static_cast<int>(report->calibration.labels.size());
  provenance.description = "random forest on realistic synthetic images (" +
                           std::to_string(synthetic) + "), simulated clusters in " +
                           std::to_string(films) + " normal films and " +
                           std::to_string(annotated) + " annotated films; Platt-calibrated";
  // True candidates are rare (well under 1% on real films): repeat them up to a fifth of the
  // false ones, so that the trees split on them. The calibration set keeps the true rate.
  const LabelledCandidates balanced = Balanced(report->training, kBalancedTrueFraction);
  if (balanced.features.empty() || report->calibration.features.empty()) {
    return Status(ErrorCode::kBadParameter, "training needs candidates with labels in both sets");
  }
  std::shared_ptr<const RandomForest> forest;
  if (Status s = RandomForest::Train(balanced.features, balanced.labels, options.seed, &forest);
      !s.ok()) {
    return s;
  }
  // The model records `params`: the candidate stage it was trained behind and the cluster rule
  // (with its member floor) of the clusters its cluster calibration is fitted on below.
  const PlattCalibration calibration =
      FitPlatt(forest->Predict(report->calibration.features), report->calibration.labels);
  *scorer = std::make_shared<LearnedScorer>(
      forest, FittedModel{calibration, PlattCalibration(), provenance, params, {}, {}});
  // Cluster calibration: the learned detector's clusters on the calibration images against the
  // simulated clusters.
  Detector learned;
  if (Status s = Detector::Create(params, *scorer, &learned); !s.ok()) return s;
  std::vector<std::vector<std::pair<double, int>>> clusters_of(n);
  const auto cluster_one = [&](int i) -> Status {
    if (!is_calibration(i)) return Status::Ok();
    SyntheticMammogram m;
    if (Status s = make_image(i, &m); !s.ok()) return s;
    std::vector<TruthLesion> truth;
    for (const SyntheticCluster& c : m.clusters) {
      truth.push_back({c.centre, static_cast<float>(c.radius_px)});
    }
    DetectOptions detect;
    detect.spacing_override_mm = m.image.file_spacing_mm;
    detect.max_threads = 1;
    DetectionResult result;
    if (Status s = learned.Detect(m.image, detect, &result); !s.ok()) return s;
    for (const Finding& f : result.findings) {
      clusters_of[i].push_back({ClusterScoreLogit(f.score), MatchLesion(f.box, truth) >= 0});
    }
    return Status::Ok();
  };
  if (Status s = FanOut(n, options.threads, cluster_one, nullptr); !s.ok()) return s;
  std::vector<double> cluster_logits;
  std::vector<int> cluster_labels;
  for (const auto& image_clusters : clusters_of) {
    for (const auto& [logit, label] : image_clusters) {
      cluster_logits.push_back(logit);
      cluster_labels.push_back(label);
      report->calibration_true_clusters += label;
    }
  }
  report->calibration_clusters = static_cast<int>(cluster_labels.size());
  // Too few clusters of a class make Platt's fit run off to a step (every score 0 or 1, the
  // ranking lost in ties): then the member-based score stays as it is (identity on the logit).
  const int false_clusters = report->calibration_clusters - report->calibration_true_clusters;
  report->cluster_calibration_fitted =
      std::min(report->calibration_true_clusters, false_clusters) >= kMinClustersPerClass;
  if (report->cluster_calibration_fitted) {
    *scorer = (*scorer)->WithClusterCalibration(FitPlatt(cluster_logits, cluster_labels));
  }

  // How the model compares with the hand-made score on the held-out calibration set.
  std::vector<double> handmade;
  for (const std::vector<float>& f : report->calibration.features) {
    handmade.push_back(HandmadeCandidateScore(f[0], params));  // feature 0 is the contrast
  }
  const std::vector<double> model = (*scorer)->Probabilities(report->calibration.features);
  report->handmade_log_loss = LogLoss(handmade, report->calibration.labels);
  report->model_log_loss = LogLoss(model, report->calibration.labels);
  report->handmade_auc = RocAuc(handmade, report->calibration.labels);
  report->model_auc = RocAuc(model, report->calibration.labels);
  Reliability(model, report->calibration.labels, report);
  return Status::Ok();
}

Status CrossValidate(const TrainingOptions& options, int folds,
                     const ProgressCallback& progress, EvaluationReport* pooled) {
  *pooled = EvaluationReport();
  const int films = static_cast<int>(options.annotated_films.size());
  if (folds < 2 || folds > films) {
    return Status(ErrorCode::kBadParameter, "cross-validation needs 2 to " +
                                                std::to_string(films) + " folds, not " +
                                                std::to_string(folds));
  }
  // Films with lesions are dealt over the folds first, so that every fold has some.
  std::vector<std::vector<std::string>> fold_films(folds);
  int dealt = 0;
  for (bool with_lesions : {true, false}) {
    for (const std::string& path : options.annotated_films) {
      if (HasLesions(options.annotated_truth, path) != with_lesions) continue;
      fold_films[dealt++ % folds].push_back(path);
    }
  }
  for (int k = 0; k < folds; ++k) {
    const std::set<std::string> held_out(fold_films[k].begin(), fold_films[k].end());
    TrainingOptions train = options;
    const auto is_held_out = [&](const std::string& path) { return held_out.count(path) > 0; };
    std::erase_if(train.annotated_films, is_held_out);
    std::erase_if(train.normal_films, is_held_out);
    std::shared_ptr<const LearnedScorer> scorer;
    TrainingReport report;
    if (Status s = TrainCandidateScorer(train, nullptr, &scorer, &report); !s.ok()) return s;
    Detector detector;
    if (Status s = Detector::Create(scorer->FittedParams(DetectorParams()), scorer, &detector);
        !s.ok()) {
      return s;
    }
    FolderEvaluationOptions evaluate;
    evaluate.image_paths = fold_films[k];
    evaluate.truth = options.annotated_truth;
    evaluate.pixel_spacing_mm = options.film_spacing_mm;
    evaluate.threads = std::max(1, options.threads);
    EvaluationReport fold;
    if (Status s = EvaluateImages(detector, evaluate, nullptr, &fold); !s.ok()) return s;
    AppendEvaluation(std::move(fold), pooled);
    if (progress) progress(k + 1, folds);
  }
  SummariseEvaluation(pooled);
  return Status::Ok();
}

}  // namespace mammocad
