// `mammocad calibrate-clusters`: fits a neural model's cluster calibration (Platt scaling on the
// logit of the member-based cluster score, as the learned scorer's training does) on held-out
// realistic synthetic images with benign calcifications and artefacts, and writes it into the
// manifest. Training (training/train_neural.py) calibrates the candidates; this step, which needs
// the C++ detector's clusters, calibrates the clusters (docs/neural-scoring.md). With
// --features it fits the cluster model instead (detector/cluster_model.h: a logistic regression
// over each cluster's evidence), optionally also on simulated clusters inserted into the NORM
// films of a MIAS folder (their false clusters are real films' artefacts and noise), only the
// films of the model's own training fold.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "detector/learned_scorer.h"
#include "eval/evaluation.h"
#include "eval/logistic_fit.h"
#include "eval/mias.h"
#include "eval/platt.h"
#include "mammocad/decode.h"

namespace mammocad {
namespace {

struct CalibrateFlags {
  std::string model;
  int images = 120;
  std::uint64_t seed = 977;  // not a training seed: these images are held out
  int threads = 0;
  bool features = false;
  double l2 = 1.0;
  std::vector<std::string> use;  // --features: fit only these (the others get weight 0)
  std::string normals_dir;
  int fold = -1, folds = 0;
};

Status WriteManifest(const std::string& path, const std::string& manifest) {
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(manifest.data(), static_cast<std::streamsize>(manifest.size()))) {
    return Status(ErrorCode::kIoError, "cannot write " + path);
  }
  return Status::Ok();
}

// The manifest with its cluster_model node (if any) replaced by `model`'s, at the end.
Status RewriteClusterModel(const std::string& path, const ClusterModel& model) {
  std::string manifest;
  if (Status s = ReadFileBytes(path, &manifest); !s.ok()) return s;
  const size_t start = manifest.find("\ncluster_model:");
  if (start != std::string::npos) {
    size_t end = start + 1;
    // The node runs until the next line that starts a top-level key.
    while ((end = manifest.find('\n', end)) != std::string::npos && end + 1 < manifest.size() &&
           (manifest[end + 1] == ' ' || manifest[end + 1] == '-')) {
      ++end;
    }
    manifest.erase(start + 1, end == std::string::npos ? std::string::npos : end - start);
  }
  if (!manifest.empty() && manifest.back() != '\n') manifest += '\n';
  manifest += ClusterModelYaml(model);
  return WriteManifest(path, manifest);
}

// The manifest with its cluster_platt_a/b lines replaced.
Status RewriteClusterCalibration(const std::string& path, const PlattCalibration& c) {
  std::string manifest;
  if (Status s = ReadFileBytes(path, &manifest); !s.ok()) return s;
  char a[64], b[64];
  std::snprintf(a, sizeof a, "cluster_platt_a: %.17g", c.a);
  std::snprintf(b, sizeof b, "cluster_platt_b: %.17g", c.b);
  const std::regex line_a("cluster_platt_a: [^\\n]*"), line_b("cluster_platt_b: [^\\n]*");
  if (!std::regex_search(manifest, line_a) || !std::regex_search(manifest, line_b)) {
    return Status(ErrorCode::kBadParameter, path + " has no cluster calibration lines");
  }
  manifest = std::regex_replace(std::regex_replace(manifest, line_a, a), line_b, b);
  return WriteManifest(path, manifest);
}

int WriteClusterModel(const CalibrateFlags& flags, const EvaluationReport& pooled,
                      const std::vector<std::vector<double>>& features,
                      const std::vector<int>& labels, int positives) {
  // Features left out are fitted as constants: FitLogistic gives them weight 0.
  std::vector<std::vector<double>> used = features;
  for (size_t j = 0; j < ClusterFeatureNames().size(); ++j) {
    const std::string name(ClusterFeatureNames()[j]);
    const bool fitted = flags.use.empty() ||
                        std::find(flags.use.begin(), flags.use.end(), name) != flags.use.end();
    if (!fitted) {
      for (std::vector<double>& row : used) row[j] = 0.0;
    }
  }
  const ClusterModel model = FitLogistic(used, labels, flags.l2);
  if (Status s = RewriteClusterModel(flags.model, model); !s.ok()) {
    std::fprintf(stderr, "mammocad calibrate-clusters: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("%zu clusters on %zu held-out images (%d true, %d false); cluster model written "
              "to %s:\n",
              labels.size(), pooled.images.size(), positives,
              static_cast<int>(labels.size()) - positives, flags.model.c_str());
  for (size_t j = 0; j < model.weights.size(); ++j) {
    std::printf("  %-18s weight %+.3f per sd (mean %.3g, sd %.3g)\n",
                std::string(ClusterFeatureNames()[j]).c_str(), model.weights[j], model.mean[j],
                model.scale[j]);
  }
  std::printf("  bias %+.3f\n", model.bias);
  std::vector<double> probabilities;
  for (const std::vector<double>& x : features) probabilities.push_back(model.ApplyTo(x));
  std::printf("on these clusters:\n");
  PrintReliability(probabilities, labels);
  return 0;
}

int RunCalibrate(const CalibrateFlags& flags) {
  ScorerChoice choice;
  choice.scorer = "neural";
  choice.model_path = flags.model;
  std::unique_ptr<Detector> detector;
  Status s = MakeDetector(choice, &detector);
  ClusterEvidence probe;
  probe.member_based_score = 0.3;
  if (s.ok() && !flags.features && std::abs(detector->scorer().ClusterScore(probe) - 0.3) > 1e-9) {
    s = Status(ErrorCode::kBadParameter, flags.model + " already has a cluster calibration");
  }
  // Mixed spacings, 16- and 8-bit, with benign findings and artefacts: the clusters a
  // department's images give, true and false.
  EvaluationReport pooled;
  const double spacings[] = {0.07, 0.1, 0.14, 0.2};
  ProgressBar bar("calibrate");
  for (int part = 0; s.ok() && part < 4; ++part) {
    SyntheticEvaluationOptions o;
    o.images = flags.images / 4;
    o.seed = flags.seed + part;
    o.realistic = true;
    o.benign_and_artefacts = true;
    o.base.spacing_mm = spacings[part];
    o.base.width = o.base.height = 1536;
    o.base.bits = part % 2 ? 8 : 16;
    o.threads = ThreadsToUse(flags.threads);
    EvaluationReport report;
    s = EvaluateSynthetic(*detector, o, nullptr, &report);
    if (s.ok()) AppendEvaluation(std::move(report), &pooled);
    bar.Update(part + 1, 4);
  }
  if (s.ok() && !flags.normals_dir.empty()) {
    std::vector<std::string> normals;
    s = TrainingFoldNormals(flags.normals_dir, flags.fold, flags.folds, &normals);
    if (s.ok() && normals.empty()) {
      s = Status(ErrorCode::kBadParameter, "no NORM films in " + flags.normals_dir);
    }
    if (s.ok()) {
      SyntheticEvaluationOptions o;
      o.seed = flags.seed;
      o.threads = ThreadsToUse(flags.threads);
      const int n = static_cast<int>(normals.size());
      EvaluationReport report;
      s = EvaluateGenerated(*detector, n,
                            InsertionSource(std::move(normals), kMiasSpacingMm, flags.seed, 1), o,
                            nullptr, &report);
      if (s.ok()) AppendEvaluation(std::move(report), &pooled);
    }
  }
  if (!s.ok()) {
    std::fprintf(stderr, "mammocad calibrate-clusters: %s\n", s.ToString().c_str());
    return 1;
  }
  std::vector<double> logits;
  std::vector<std::vector<double>> features;
  std::vector<int> labels;
  int positives = 0;
  for (const ImageEvaluation& e : pooled.images) {
    for (size_t k = 0; k < e.findings.size(); ++k) {
      const ScoredFinding& f = e.findings[k];
      logits.push_back(ClusterScoreLogit(f.score));
      features.push_back(ClusterFeatureValues(e.evidence[k]));
      labels.push_back(f.lesion >= 0);
      positives += f.lesion >= 0;
    }
  }
  const int negatives = static_cast<int>(labels.size()) - positives;
  if (positives < 10 || negatives < 10) {
    std::fprintf(stderr, "mammocad calibrate-clusters: too few clusters of a class (%d true, %d "
                         "false) for a fit\n", positives, negatives);
    return 1;
  }
  if (flags.features) return WriteClusterModel(flags, pooled, features, labels, positives);
  const PlattCalibration fit = FitPlatt(logits, labels);
  s = RewriteClusterCalibration(flags.model, fit);
  if (!s.ok()) {
    std::fprintf(stderr, "mammocad calibrate-clusters: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("%zu clusters on %zu held-out synthetic images (%d true, %d false); cluster Platt "
              "a = %.4f, b = %.4f written to %s\n",
              labels.size(), pooled.images.size(), positives, negatives, fit.a, fit.b,
              flags.model.c_str());
  std::vector<double> calibrated;
  for (double logit : logits) calibrated.push_back(fit.Apply(logit));
  std::printf("on these clusters:\n");
  PrintReliability(calibrated, labels);
  return 0;
}

}  // namespace

Subcommand AddCalibrateCommand(CLI::App& app) {
  auto flags = std::make_shared<CalibrateFlags>();
  CLI::App* calibrate = app.add_subcommand(
      "calibrate-clusters", "fit a neural model's cluster calibration and write it into it");
  calibrate->add_option("--model", flags->model, "the neural model's manifest (rewritten)")
      ->required();
  calibrate->add_option("--images", flags->images, "held-out synthetic images")
      ->capture_default_str()->check(CLI::Range(8, 100000));
  calibrate->add_option("--seed", flags->seed, "seed of those images")->capture_default_str();
  calibrate->add_flag("--features", flags->features,
                      "fit the cluster model (a logistic regression over each cluster's member "
                      "score, count, spread, linearity, size variety, size, distance to the "
                      "skin and the image's candidates per cm2) instead of the Platt "
                      "calibration; replaces an existing one");
  calibrate->add_option("--l2", flags->l2,
                        "with --features: the weights' L2 penalty (larger: closer to the "
                        "member score alone)")
      ->capture_default_str()->check(CLI::Range(0.0, 1e6))->needs("--features");
  std::vector<std::string> names;
  for (std::string_view name : ClusterFeatureNames()) names.emplace_back(name);
  calibrate->add_option("--use", flags->use,
                        "with --features: fit only these features (the others get weight 0)")
      ->delimiter(',')->check(CLI::IsMember(names))->needs("--features");
  calibrate->add_option("--normals", flags->normals_dir,
                        "also simulated clusters inserted into the NORM films of this MIAS "
                        "folder (with --features)")
      ->needs("--features");
  AddFoldOptions(calibrate, &flags->fold, &flags->folds);
  calibrate->get_option("--fold")->needs("--normals");
  AddThreadsOption(calibrate, &flags->threads);
  return {calibrate, [flags] { return RunCalibrate(*flags); }};
}

}  // namespace mammocad
