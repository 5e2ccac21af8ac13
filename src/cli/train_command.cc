// `mammocad train`: trains and calibrates the learned candidate scorer on simulated data and
// writes the model file (docs/learned-scoring.md).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "mammocad/mias.h"
#include "mammocad/training.h"

namespace mammocad {
namespace {

struct TrainFlags {
  TrainingOptions options;
  std::string out = "models/calc-v1.yml";
  std::string normals_dir;
  int threads = 0;
};

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
  std::printf("reliability (calibration set): probability bin, candidates, mean p, true fraction\n");
  for (size_t b = 0; b < r.bin_count.size(); ++b) {
    if (r.bin_count[b] == 0) continue;
    std::printf("  [%.1f, %.1f)  %7d  %.3f  %.3f\n", b / 10.0, (b + 1) / 10.0, r.bin_count[b],
                r.bin_mean_probability[b], r.bin_true_fraction[b]);
  }
}

int RunTrain(TrainFlags flags) {
  flags.options.threads =
      flags.threads > 0 ? flags.threads
                        : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (!flags.normals_dir.empty()) {
    std::vector<MiasAnnotation> rows;
    const std::filesystem::path dir(flags.normals_dir);
    if (Status s = ReadMiasAnnotations((dir / "annotations.txt").string(), &rows); !s.ok()) {
      std::fprintf(stderr, "mammocad train: %s\n", s.ToString().c_str());
      return 1;
    }
    for (const std::string& id : NormalMiasImages(rows)) {
      flags.options.normal_films.push_back((dir / (id + ".pgm")).string());
    }
  }
  ProgressBar bar("train");
  std::shared_ptr<const CandidateScorer> scorer;
  TrainingReport report;
  Status s = TrainCandidateScorer(flags.options,
                                  [&bar](int done, int total) { bar.Update(done, total); },
                                  &scorer, &report);
  if (s.ok()) {
    PrintReport(report);
    const std::filesystem::path parent = std::filesystem::path(flags.out).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    s = scorer->Save(flags.out);
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
  train->add_option("--candidate-threshold", flags->options.candidate_threshold_sigma,
                    "candidate threshold (noise sigmas) the model sits behind")
      ->capture_default_str()->check(CLI::Range(2.0, 10.0));
  train->add_option("--max-lineness", flags->options.max_lineness,
                    "candidates more line-like than this are dropped before the model")
      ->capture_default_str()->check(CLI::Range(0.0, 2.0));
  train->add_option("--version", flags->options.version, "model version stored in the file")
      ->capture_default_str();
  train->add_option("--threads", flags->threads, "images processed at once (0: one per core)")
      ->capture_default_str()->check(CLI::Range(0, 256));
  return {train, [flags] { return RunTrain(*flags); }};
}

}  // namespace mammocad
