// Training the learned candidate scorer on simulated data (include/mammocad/training.h).
#include "mammocad/training.h"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <mutex>
#include <numeric>
#include <thread>

#include "detector/stages.h"

namespace mammocad {
namespace {

// Candidates of one generated image with their labels.
Status LabelImage(const Detector& detector, const SyntheticMammogram& m,
                  double min_spot_hit_radius_mm, LabelledCandidates* out) {
  const double spacing = m.image.file_spacing_mm;
  std::vector<TruthLesion> spots;
  for (const SyntheticCluster& c : m.clusters) {
    for (const SyntheticSpot& s : c.spots) {
      spots.push_back({s.centre, static_cast<float>(std::max(s.diameter_mm / 2,
                                                             min_spot_hit_radius_mm) / spacing)});
    }
  }
  DetectOptions options;
  options.spacing_override_mm = spacing;
  options.level = FindingLevel::kCalcification;
  options.keep_candidates = true;
  DetectionResult result;
  if (Status s = detector.Detect(m.image, options, &result); !s.ok()) return s;
  out->features = std::move(result.candidate_features);
  out->labels.clear();
  for (const Calcification& c : result.candidates) {
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

// Runs task(i) for i in [0, n) on `threads` workers; the first failing index's error.
Status ForEachImage(int n, int threads, const std::function<Status(int)>& task,
                    const ProgressCallback& progress) {
  std::atomic<int> next{0}, done{0};
  std::mutex lock;
  std::vector<Status> statuses(n);
  const auto worker = [&] {
    for (int i = next++; i < n; i = next++) {
      statuses[i] = task(i);
      std::lock_guard<std::mutex> guard(lock);
      if (progress) progress(++done, n);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (const Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
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
                            std::shared_ptr<const CandidateScorer>* scorer,
                            TrainingReport* report) {
  *report = TrainingReport();
  // The hand-made pipeline with the model's candidate stage finds the candidates.
  DetectorParams params;
  params.candidate_threshold_sigma = options.candidate_threshold_sigma;
  params.max_lineness = options.max_lineness;
  const Detector detector(params);
  const int synthetic = std::max(0, options.images);
  const int films = static_cast<int>(options.normal_films.size());
  const int n = synthetic + films;
  std::vector<LabelledCandidates> per_image(n);
  const SyntheticSource films_source = InsertionSource(
      options.normal_films, options.film_spacing_mm, options.seed ^ 0xF11E5ull, 1);
  const auto make_image = [&](int i, SyntheticMammogram* m) -> Status {
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
  if (Status s = ForEachImage(n, options.threads, label_one, progress); !s.ok()) return s;
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
  provenance.candidate_threshold_sigma = options.candidate_threshold_sigma;
  provenance.max_lineness = options.max_lineness;
  provenance.description = "random forest on realistic synthetic images (" +
                           std::to_string(synthetic) + ") and simulated clusters in " +
                           std::to_string(films) + " normal films; Platt-calibrated";
  if (Status s = CandidateScorer::Train(report->training.features, report->training.labels,
                                        report->calibration.features, report->calibration.labels,
                                        options.seed, provenance, scorer);
      !s.ok()) {
    return s;
  }
  // Cluster calibration: the learned detector's clusters on the calibration images against the
  // simulated clusters.
  const Detector learned(params, *scorer);
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
    DetectionResult result;
    if (Status s = learned.Detect(m.image, detect, &result); !s.ok()) return s;
    for (const Finding& f : result.findings) {
      clusters_of[i].push_back({ClusterScoreLogit(f.score), MatchLesion(f.box, truth) >= 0});
    }
    return Status::Ok();
  };
  if (Status s = ForEachImage(n, options.threads, cluster_one, nullptr); !s.ok()) return s;
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
  if (report->calibration_true_clusters == 0 ||
      report->calibration_true_clusters == report->calibration_clusters) {
    return Status(ErrorCode::kBadParameter, "the calibration images gave clusters of one class only");
  }
  *scorer = CandidateScorer::WithClusterCalibration(**scorer,
                                                    FitPlatt(cluster_logits, cluster_labels));

  // How the model compares with the hand-made score on the held-out calibration set.
  std::vector<double> handmade;
  for (const std::vector<float>& f : report->calibration.features) {
    handmade.push_back(detail::CandidateScore(f[0], params));  // feature 0 is the contrast
  }
  const std::vector<double> model = (*scorer)->Probabilities(report->calibration.features);
  report->handmade_log_loss = LogLoss(handmade, report->calibration.labels);
  report->model_log_loss = LogLoss(model, report->calibration.labels);
  report->handmade_auc = RocAuc(handmade, report->calibration.labels);
  report->model_auc = RocAuc(model, report->calibration.labels);
  Reliability(model, report->calibration.labels, report);
  return Status::Ok();
}

}  // namespace mammocad
