// `mammocad train`: trains and calibrates the learned candidate scorer on simulated data and
// writes the model file (docs/learned-scoring.md).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "eval/evaluation.h"
#include "eval/mias.h"
#include "detector/model_file.h"
#include "eval/training.h"

namespace mammocad {
namespace {

struct TrainFlags {
  TrainingOptions options;
  std::string out = "models/calc-v3.yml";
  std::string normals_dir;
  std::string annotated_dir;
  int cv_folds = 0;
  std::string cv_out = "cv-out";
  int threads = 0;
};

// The MIAS folder's annotation table (DIR/annotations.txt).
Status ReadMiasFolder(const std::string& dir, std::vector<MiasAnnotation>* rows) {
  return ReadMiasAnnotations((std::filesystem::path(dir) / "annotations.txt").string(), rows);
}

void PrintReport(const TrainingReport& r) {
  const auto positives = [](const LabelledCandidates& c) {
    int n = 0;
    for (int l : c.labels) n += l;
    return n;
  };
  std::printf("%d images; training: %zu candidates (%d true); calibration: %zu (%d true)\n",
              r.images, r.training.labels.size(), positives(r.training),
              r.calibration.labels.size(), positives(r.calibration));
  std::printf("calibration set   log-loss   ROC AUC\n");
  std::printf("  hand-made        %.4f     %.4f\n", r.handmade_log_loss, r.handmade_auc);
  std::printf("  learned          %.4f     %.4f\n", r.model_log_loss, r.model_auc);
  std::printf("cluster calibration: %d clusters on the calibration images, %d true\n",
              r.calibration_clusters, r.calibration_true_clusters);
  if (!r.cluster_calibration_fitted) {
    std::printf("  too few of a class for a fit: cluster scores are left uncalibrated\n");
  }
  std::printf("reliability (calibration set): probability bin, candidates, mean p, true fraction\n");
  for (size_t b = 0; b < r.bin_count.size(); ++b) {
    if (r.bin_count[b] == 0) continue;
    std::printf("  [%.1f, %.1f)  %7d  %.3f  %.3f\n", b / 10.0, (b + 1) / 10.0, r.bin_count[b],
                r.bin_mean_probability[b], r.bin_true_fraction[b]);
  }
}

// Trains one model per fold without that fold's annotated films, evaluates it on them, and
// prints and writes the pooled FROC (the model of each fold is not kept).
int RunCrossValidation(const TrainFlags& flags) {
  ProgressBar bar("cross-validation folds");
  EvaluationReport report;
  const Status s = CrossValidate(flags.options, flags.cv_folds,
                                 [&bar](int done, int total) { bar.Update(done, total); }, &report);
  if (s.ok()) {
    std::printf("%d-fold cross-validation over the annotated films (each fold evaluated with the "
                "model trained without it):\n", flags.cv_folds);
    PrintEvaluationReport(report);
  }
  const Status written =
      s.ok() ? WriteEvaluationOutputs(report, "learned, " + std::to_string(flags.cv_folds) +
                                                  "-fold cross-validated",
                                      nullptr, "mammocad train --cv-folds", flags.cv_out)
             : s;
  if (!written.ok()) {
    std::fprintf(stderr, "mammocad train: %s\n", written.ToString().c_str());
    return 1;
  }
  return 0;
}

int RunTrain(TrainFlags flags) {
  flags.options.threads = ThreadsToUse(flags.threads);
  if (!flags.normals_dir.empty()) {
    std::vector<MiasAnnotation> rows;
    const std::filesystem::path dir(flags.normals_dir);
    if (Status s = ReadMiasFolder(flags.normals_dir, &rows); !s.ok()) {
      std::fprintf(stderr, "mammocad train: %s\n", s.ToString().c_str());
      return 1;
    }
    for (const std::string& id : NormalMiasImages(rows)) {
      flags.options.normal_films.push_back((dir / (id + ".pgm")).string());
    }
  }
  if (!flags.annotated_dir.empty()) {
    std::vector<MiasAnnotation> rows;
    Status s = ReadMiasFolder(flags.annotated_dir, &rows);
    if (s.ok()) s = ListImages(flags.annotated_dir, &flags.options.annotated_films);
    if (!s.ok()) {
      std::fprintf(stderr, "mammocad train: %s\n", s.ToString().c_str());
      return 1;
    }
    flags.options.annotated_truth = TruthFromMias(rows);
  }
  if (flags.cv_folds > 0) return RunCrossValidation(flags);
  ProgressBar bar("train");
  std::shared_ptr<const LearnedScorer> scorer;
  TrainingReport report;
  Status s = TrainCandidateScorer(flags.options,
                                  [&bar](int done, int total) { bar.Update(done, total); },
                                  &scorer, &report);
  if (s.ok()) {
    PrintReport(report);
    const std::filesystem::path parent = std::filesystem::path(flags.out).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    s = SaveModelFile(*scorer, flags.out);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "mammocad train: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("wrote %s (candidate Platt a = %.4f, b = %.4f; cluster Platt a = %.4f, b = %.4f)\n",
              flags.out.c_str(), scorer->calibration().a, scorer->calibration().b,
              scorer->cluster_calibration().a, scorer->cluster_calibration().b);
  return 0;
}

}  // namespace

Subcommand AddTrainCommand(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* train = app.add_subcommand(
      "train", "train and calibrate the learned candidate scorer on simulated images");
  train->add_option("--seed", flags->options.seed, "seed of everything (images, forest)")
      ->capture_default_str();
  train->add_option("--out", flags->out, "model file to write (YAML)")->capture_default_str();
  train->add_option("--images", flags->options.images, "realistic synthetic images")
      ->capture_default_str()->check(CLI::Range(4, 100000));
  train->add_option("--max-side", flags->options.max_side_px, "synthetic image side cap, pixels")
      ->capture_default_str()->check(CLI::Range(256, 8192));
  train->add_option("--normals", flags->normals_dir,
                    "also insert simulated clusters into the NORM films of this MIAS folder");
  train->add_option("--annotated", flags->annotated_dir,
                    "also learn from the annotated calcification clusters of this MIAS folder "
                    "(all its films)");
  train->add_option("--min-lesion-radius", flags->options.min_lesion_radius_mm,
                    "annotated circles smaller than this (mm) are widened to it")
      ->capture_default_str()->check(CLI::Range(0.0, 50.0));
  train->add_option("--min-member-probability", flags->options.min_member_probability,
                    "stored in the model: candidates less probable join no cluster")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  train->add_option("--cv-folds", flags->cv_folds,
                    "instead of writing a model: K-fold cross-validation over the --annotated "
                    "films, pooled FROC printed and written to --cv-out")
      ->check(CLI::Range(2, 100))->needs("--annotated");
  train->add_option("--cv-out", flags->cv_out, "cross-validation curves and findings go here")
      ->capture_default_str();
  train->add_option("--candidate-threshold", flags->options.candidate_threshold_sigma,
                    "candidate threshold (noise sigmas) the model sits behind")
      ->capture_default_str()->check(CLI::Range(2.0, 10.0));
  train->add_option("--max-lineness", flags->options.max_lineness,
                    "candidates more line-like than this are dropped before the model")
      ->capture_default_str()->check(CLI::Range(0.0, 2.0));
  train->add_option("--background-ratio", flags->options.background_ratio,
                    "enhancement band (background / spot sigma) the model sits behind")
      ->capture_default_str()->check(CLI::Range(1.1, 10.0));
  train->add_option("--version", flags->options.version, "model version stored in the file")
      ->capture_default_str();
  AddThreadsOption(train, &flags->threads);
  return {train, [flags] { return RunTrain(*flags); }};
}

}  // namespace mammocad
