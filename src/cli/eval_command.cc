// `mammocad eval`: the detector's FROC on a folder of images with ground truth, or on
// synthetic images generated in-process (docs/detection-quality.md).
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/scorer_flags.h"
#include "decode/image_formats.h"
#include "detector/model_file.h"
#include "eval/candidate_stage.h"
#include "eval/evaluation.h"
#include "eval/false_sources.h"
#include "eval/mias.h"
#include "eval/operating_points.h"
#include "eval/reliability.h"

namespace mammocad {
namespace {

struct EvalFlags {
  std::string images_dir, truth_path, format = "auto", out_dir = "eval-out";
  double pixel_spacing = 0.0;
  int threads = 0;
  int synthetic = 0;
  std::uint64_t seed = 1;
  double spacing = 0.1;
  int size = 1024;
  int bits = 16;
  bool realistic = false;
  bool benign = false, benign_only = false;
  bool candidate_stage = false, lost_crops = false;
  bool reliability = false;
  std::string insert_into;
  int insert_clusters = 1;
  ScorerFlags scorer;
  std::vector<std::string> fold_models;  // film i of the folder goes to model i % size
  bool compare_handmade = false;
  bool operating_points = false;
};


Status WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(text.data(), static_cast<std::streamsize>(text.size()))) {
    return Status(ErrorCode::kIoError, "cannot write '" + path.string() + "'");
  }
  return Status::Ok();
}

Status LoadTruth(const EvalFlags& flags, GroundTruth* truth, bool* is_mias) {
  std::string format = flags.format;
  if (format == "auto") {
    format = std::filesystem::path(flags.truth_path).extension() == ".csv" ? "csv" : "mias";
  }
  *is_mias = format == "mias";
  if (format == "csv") return ReadCsvTruth(flags.truth_path, truth);
  std::vector<MiasAnnotation> rows;
  if (Status s = ReadMiasAnnotations(flags.truth_path, &rows); !s.ok()) return s;
  *truth = TruthFromMias(rows);
  return Status::Ok();
}

// Truth rows for images that are not in the folder are not counted: say so, they may be typos.
void WarnAboutMissingImages(const GroundTruth& truth, const std::vector<std::string>& paths) {
  std::set<std::string> present;
  for (const std::string& p : paths) present.insert(ImageKey(p));
  int missing_lesions = 0, missing_images = 0;
  for (const auto& [name, lesions] : truth) {
    if (present.count(name)) continue;
    ++missing_images;
    missing_lesions += static_cast<int>(lesions.size());
  }
  if (missing_images > 0) {
    std::fprintf(stderr,
                 "mammocad eval: warning: %d images of the truth file (%d lesions) are not in "
                 "the folder and are not counted\n",
                 missing_images, missing_lesions);
  }
}

void PrintCurveRow(const char* level, const FrocCurve& curve) {
  std::printf("%-15s %7d %7d", level, curve.lesions, curve.images);
  for (double rate : ReportedFpRates()) {
    std::printf("  %6.3f", PointAtFpRate(curve, rate).sensitivity);
  }
  const OperatingPoint all = curve.points.back();
  std::printf("   %.3f at %.2f\n", all.sensitivity, all.fp_per_image);
}

std::string FindingsCsv(const EvaluationReport& report) {
  std::string csv = "image,score,lesion\n";
  for (const ImageEvaluation& e : report.images) {
    for (const ScoredFinding& f : e.findings) {
      char row[64];
      std::snprintf(row, sizeof row, ",%.6f,%d\n", f.score, f.lesion);
      csv += e.name + row;
    }
  }
  return csv;
}

// The named operating points of the run's cluster curve, then the same in the form the
// scorer keeps them: a row of the hand-made table (src/detector/scorers.cc) or the model
// file's YAML node, to paste as printed.
void PrintOperatingPoints(const EvaluationReport& report, const std::string& measured_on,
                          bool learned) {
  const FrocCurve& curve = report.cluster_curve;
  const std::vector<MeasuredOperatingPoint> points = MeasureOperatingPoints(curve, measured_on);
  std::printf("operating points (cluster findings; %s):\n", measured_on.c_str());
  std::printf("%-17s %9s %11s %9s %11s %7s %16s\n", "name", "FP budget", "lowest kept",
              "min_score", "sensitivity", "FP/img", "found, false");
  std::vector<NamedOperatingPoint> named;
  for (const MeasuredOperatingPoint& m : points) {
    const NamedOperatingPoint& p = m.named;
    std::printf("%-17s %9.2f %11.6f %9.10g %11.4f %7.4f %7ld/%d, %4ld\n", p.name.c_str(),
                m.target.max_fp_per_image, m.curve_point.threshold, p.min_score, p.sensitivity,
                p.fp_per_image, std::lround(p.sensitivity * curve.lesions), curve.lesions,
                std::lround(p.fp_per_image * curve.images));
    named.push_back(p);
  }
  if (learned) {
    std::printf("model file (YAML: before `forest:` in a learned model, at the end of a neural "
                "manifest):\n%s",
                OperatingPointsYaml(named).c_str());
    return;
  }
  std::printf("hand-made table (src/detector/scorers.cc):\n");
  for (const NamedOperatingPoint& p : named) {
    std::printf("        {\"%s\", %.10g, %.4f, %.4f, \"%s\"},\n", p.name.c_str(), p.min_score,
                p.sensitivity, p.fp_per_image, p.measured_on.c_str());
  }
}

// Annotations whose centre lies off the breast are left out of the curves (issue 15's
// convention for mini-MIAS mdb212 and mdb214): their own line says which, and whether any
// finding hit them.
void PrintOffBreastLesions(const EvaluationReport& report) {
  std::string line;
  int count = 0;
  for (const ImageEvaluation& e : report.images) {
    for (const OffBreastLesion& off : e.off_breast) {
      char item[160];
      std::snprintf(item, sizeof item, "%s%s (x %.0f, y %.0f from the top, radius %.0f): %s",
                    count++ ? "; " : "", e.name.c_str(), off.lesion.centre.x, off.lesion.centre.y,
                    off.lesion.radius, off.best_score < 0 ? "no finding" : "hit");
      line += item;
      if (off.best_score >= 0) line += " at " + std::to_string(off.best_score);
    }
  }
  if (count == 0) return;
  std::printf("%d annotated lesions off the breast, not counted above: %s\n", count, line.c_str());
}

// Synthetic sets with benign calcifications and artefacts: what the false clusters lie on.
void PrintFalseSources(const EvaluationReport& report) {
  std::printf("false clusters per image, by what they lie on:\n  all kept: %s\n"
              "  scoring >= 0.5: %s\n",
              FalseSourcesPerImage(report, 0.0).c_str(),
              FalseSourcesPerImage(report, 0.5).c_str());
}

}  // namespace

void AddThreadsOption(CLI::App* command, int* threads) {
  command->add_option("--threads", *threads, "images processed at once (0: one per core)")
      ->capture_default_str()->check(CLI::Range(0, 256));
}

void AddFoldOptions(CLI::App* command, int* fold, int* folds) {
  command->add_option("--fold", *fold,
                      "leave out the NORM films at sorted folder index i with i % folds == fold "
                      "(those the fold model is evaluated on)");
  command->add_option("--folds", *folds, "number of folds over the films")
      ->check(CLI::Range(2, 100))
      ->needs("--fold");
  command->get_option("--fold")->needs("--folds");
}

int ThreadsToUse(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void PrintReliability(const std::vector<double>& probabilities, const std::vector<int>& labels) {
  std::fputs(ReliabilityTable(ReliabilityBins(probabilities, labels)).c_str(), stdout);
}

void PrintEvaluationReport(const EvaluationReport& report) {
  const int images = static_cast<int>(report.images.size());
  int normal = 0;
  for (const ImageEvaluation& e : report.images) normal += e.lesions == 0;
  std::printf("%d images (%d without lesions), %.1f ms/image detection, %d cluster findings "
              "outside the breast\n",
              images, normal, images > 0 ? report.total_detect_ms / images : 0.0,
              report.findings_outside_breast);
  std::printf("%-15s %7s %7s", "FROC", "lesions", "images");
  for (double rate : ReportedFpRates()) std::printf("  @%-5.2g", rate);
  std::printf("   all findings (sens at FP/image)\n");
  PrintCurveRow("cluster", report.cluster_curve);
  if (report.has_calcification_curve) PrintCurveRow("calcification", report.calcification_curve);
  std::printf("(sensitivity at <= N false-positive findings per image)\n");
  PrintOffBreastLesions(report);
}

Status WriteEvaluationOutputs(const EvaluationReport& report, const std::string& scorer_name,
                              const EvaluationReport* comparison, const std::string& title,
                              const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot create '" + out_dir + "': " + ec.message());
  const std::filesystem::path out(out_dir);
  std::vector<FrocPlotSeries> series = {{"clusters, " + scorer_name, report.cluster_curve}};
  if (comparison) series.push_back({"clusters, hand-made", comparison->cluster_curve});
  if (Status s = WriteText(out / "froc-cluster.csv", FrocCsv(report.cluster_curve)); !s.ok()) {
    return s;
  }
  if (report.has_calcification_curve) {
    series.push_back({"calcifications, " + scorer_name, report.calcification_curve});
    Status s = WriteText(out / "froc-calcification.csv", FrocCsv(report.calcification_curve));
    if (!s.ok()) return s;
  }
  if (Status s = WriteText(out / "findings.csv", FindingsCsv(report)); !s.ok()) return s;
  if (Status s = WriteText(out / "froc.svg", FrocSvg(series, title)); !s.ok()) return s;
  std::printf("wrote %s/{froc-cluster.csv,%sfindings.csv,froc.svg}\n", out_dir.c_str(),
              report.has_calcification_curve ? "froc-calcification.csv," : "");
  return Status::Ok();
}

namespace {

// Each run names what it evaluated (`what`: the plot's title after "FROC: ", and where
// operating points were measured).
Status RunOnFolder(const EvalFlags& flags, const Detector& detector, EvaluationReport* report,
                   std::string* what) {
  FolderEvaluationOptions options;
  bool is_mias = false;
  if (Status s = LoadTruth(flags, &options.truth, &is_mias); !s.ok()) return s;
  if (Status s = ListImages(flags.images_dir, &options.image_paths); !s.ok()) return s;
  if (options.image_paths.empty()) {
    return Status(ErrorCode::kBadParameter, "no image files in '" + flags.images_dir + "'");
  }
  WarnAboutMissingImages(options.truth, options.image_paths);
  // mini-MIAS files carry no spacing; their 200 um is part of the data set's definition.
  options.pixel_spacing_mm =
      flags.pixel_spacing > 0 ? flags.pixel_spacing : (is_mias ? kMiasSpacingMm : 0.0);
  options.threads = ThreadsToUse(flags.threads);
  ProgressBar bar("eval");
  *what = MeasuredOnFolder(flags.images_dir, static_cast<int>(options.image_paths.size()));
  // The hand-made comparison (--compare-handmade) learns nothing: no fold models for it.
  if (flags.fold_models.empty() || detector.scorer().name() == "handmade") {
    return EvaluateImages(detector, options,
                          [&bar](int done, int total) { bar.Update(done, total); }, report);
  }
  // Cross-validated: each film is evaluated with the fold model that was trained without it
  // (`mammocad patches --fold k --folds n` leaves out the same films: index i % n == k).
  *report = EvaluationReport();
  const int folds = static_cast<int>(flags.fold_models.size());
  for (int k = 0; k < folds; ++k) {
    ScorerFlags fold_scorer = flags.scorer;
    fold_scorer.model_path = flags.fold_models[k];
    std::unique_ptr<Detector> fold_detector;
    if (Status s = MakeDetector(fold_scorer, &fold_detector); !s.ok()) return s;
    FolderEvaluationOptions fold = options;
    fold.image_paths.clear();
    for (size_t i = k; i < options.image_paths.size(); i += folds) {
      fold.image_paths.push_back(options.image_paths[i]);
    }
    EvaluationReport part;
    if (Status s = EvaluateImages(*fold_detector, fold, nullptr, &part); !s.ok()) return s;
    AppendEvaluation(std::move(part), report);
    bar.Update(k + 1, folds);
  }
  SummariseEvaluation(report);
  *what += " (" + std::to_string(folds) + "-fold cross-validated)";
  return Status::Ok();
}

Status RunSynthetic(const EvalFlags& flags, const Detector& detector, EvaluationReport* report,
                    std::string* what) {
  SyntheticEvaluationOptions options;
  options.images = flags.synthetic;
  options.seed = flags.seed;
  options.base.width = options.base.height = flags.size;
  options.base.spacing_mm = flags.spacing;
  options.base.bits = flags.bits;
  options.realistic = flags.realistic;
  options.benign_and_artefacts = flags.benign;
  options.benign_only = flags.benign_only;
  options.threads = ThreadsToUse(flags.threads);
  ProgressBar bar("eval");
  char text[160];
  std::snprintf(text, sizeof text, "%d synthetic %dx%d images at %.3g mm (seed %llu)",
                flags.synthetic, flags.size, flags.size, flags.spacing,
                static_cast<unsigned long long>(flags.seed));
  *what = text;
  if (flags.candidate_stage) {
    CandidateStageReport stage;
    if (Status s = MeasureCandidateStage(detector, options.images, SyntheticSetSource(options),
                                         options.threads, 3, options.min_spot_hit_radius_mm,
                                         flags.lost_crops, &stage);
        !s.ok()) {
      return s;
    }
    std::printf("candidate stage: %d of %d clusters keep >= 3 members among the candidates "
                "(%.3f); %d of %d calcifications hit (%.3f); %.0f candidates/image\n",
                stage.clusters_kept, stage.clusters,
                stage.clusters ? double(stage.clusters_kept) / stage.clusters : 0.0,
                stage.members_found, stage.members,
                stage.members ? double(stage.members_found) / stage.members : 0.0,
                stage.images ? double(stage.candidates) / stage.images : 0.0);
    std::printf("  visible (Rose SNR >= %.0f): %d of %d clusters with >= 3 visible members keep "
                "them (%.3f); %d of %d visible calcifications hit (%.3f)\n",
                kVisibleSpotSnr, stage.visible_clusters_kept, stage.visible_clusters,
                stage.visible_clusters ? double(stage.visible_clusters_kept) / stage.visible_clusters
                                       : 0.0,
                stage.visible_members_found, stage.visible_members,
                stage.visible_members ? double(stage.visible_members_found) / stage.visible_members
                                      : 0.0);
    std::printf("  visible calcifications missed, by morphology:");
    for (int k = 0; k < kCalcMorphologyCount; ++k) {
      std::printf(" %s %d", std::string(CalcMorphologyName(static_cast<CalcMorphology>(k))).c_str(),
                  stage.visible_missed_by_morphology[k]);
    }
    std::printf("\n");
    for (const LostCluster& lost : stage.lost) {
      std::printf("  lost: image %d at (%.0f, %.0f): %d of %d calcifications hit; median "
                  "%.2f mm, contrast %.3f, mostly %s; tissue %.2f\n",
                  lost.image, lost.centre.x, lost.centre.y, lost.found, lost.spots,
                  lost.median_diameter_mm, lost.median_contrast,
                  std::string(lost.morphology).c_str(), lost.tissue);
    }
    if (flags.lost_crops) {
      std::vector<std::string> written;
      if (Status s = WriteLostClusterPictures(stage, flags.out_dir, &written); !s.ok()) return s;
      for (const std::string& name : written) std::printf("wrote %s\n", name.c_str());
    }
  }
  return EvaluateSynthetic(detector, options,
                           [&bar](int done, int total) { bar.Update(done, total); }, report);
}

// Simulated clusters inserted into the NORM films of a MIAS folder.
Status RunInserted(const EvalFlags& flags, const Detector& detector, EvaluationReport* report,
                   std::string* what) {
  std::vector<MiasAnnotation> rows;
  if (Status s = ReadMiasAnnotations(flags.truth_path, &rows); !s.ok()) return s;
  std::vector<std::string> paths;
  for (const std::string& id : NormalMiasImages(rows)) {
    paths.push_back((std::filesystem::path(flags.insert_into) / (id + ".pgm")).string());
  }
  if (paths.empty()) return Status(ErrorCode::kBadParameter, "no NORM rows in the truth file");
  SyntheticEvaluationOptions options;
  options.seed = flags.seed;
  options.threads = ThreadsToUse(flags.threads);
  const double spacing = flags.pixel_spacing > 0 ? flags.pixel_spacing : kMiasSpacingMm;
  ProgressBar bar("eval");
  *what = "simulated clusters in " + std::to_string(paths.size()) + " normal films";
  const int n = static_cast<int>(paths.size());
  return EvaluateGenerated(detector, n,
                           InsertionSource(std::move(paths), spacing, flags.seed,
                                           flags.insert_clusters),
                           options, [&bar](int done, int total) { bar.Update(done, total); },
                           report);
}

int RunEval(const EvalFlags& flags) {
  const bool synthetic = flags.synthetic > 0, inserted = !flags.insert_into.empty();
  if (!synthetic && (!flags.images_dir.empty() == inserted || flags.truth_path.empty())) {
    std::fprintf(stderr,
                 "mammocad eval: give --images DIR and --truth FILE, --insert-into DIR and "
                 "--truth FILE (MIAS), or --synthetic N\n");
    return 2;
  }
  std::unique_ptr<Detector> made;
  if (Status s = MakeDetector(WithDefaultModel(flags.scorer), &made); !s.ok()) {
    std::fprintf(stderr, "mammocad eval: %s\n", s.ToString().c_str());
    return 1;
  }
  const auto run = [&](const Detector& detector, EvaluationReport* report, std::string* what) {
    return synthetic  ? RunSynthetic(flags, detector, report, what)
           : inserted ? RunInserted(flags, detector, report, what)
                      : RunOnFolder(flags, detector, report, what);
  };
  const bool learned = made->scorer().name() != "handmade";
  const std::string scorer_name = learned ? std::string(made->scorer().name()) : "hand-made";
  EvaluationReport report, handmade;
  std::string what;
  std::printf("%s score:\n", scorer_name.c_str());
  Status s = run(*made, &report, &what);
  if (s.ok()) PrintEvaluationReport(report);
  if (s.ok() && synthetic && (flags.benign || flags.benign_only)) PrintFalseSources(report);
  std::vector<ReliabilityBin> reliability;  // plotted with the other outputs, below
  if (s.ok() && flags.reliability) {
    std::vector<double> scores;
    std::vector<int> hits;
    for (const ImageEvaluation& e : report.images) {
      for (const ScoredFinding& f : e.findings) {
        scores.push_back(f.score);
        hits.push_back(f.lesion >= 0);
      }
    }
    std::printf("cluster findings, ");
    reliability = ReliabilityBins(scores, hits);
    std::fputs(ReliabilityTable(reliability).c_str(), stdout);
  }
  if (s.ok() && flags.operating_points) PrintOperatingPoints(report, what, learned);
  const bool compare = s.ok() && flags.compare_handmade && learned;
  if (compare) {
    std::printf("hand-made score:\n");
    std::string handmade_what;  // the title stays the first run's (e.g. "cross-validated")
    s = run(Detector(), &handmade, &handmade_what);
    if (s.ok()) PrintEvaluationReport(handmade);
    if (s.ok() && flags.operating_points) PrintOperatingPoints(handmade, what, false);
  }
  if (s.ok()) {
    s = WriteEvaluationOutputs(report, scorer_name, compare ? &handmade : nullptr, "FROC: " + what,
                               flags.out_dir);
  }
  if (s.ok() && flags.reliability) {  // into the folder WriteEvaluationOutputs made
    const std::filesystem::path svg = std::filesystem::path(flags.out_dir) / "reliability.svg";
    s = WriteText(svg, ReliabilitySvg(reliability, "Reliability of " + scorer_name +
                                                       " cluster scores: " + what));
    if (s.ok()) std::printf("wrote %s\n", svg.c_str());
  }
  if (!s.ok()) {
    std::fprintf(stderr, "mammocad eval: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

Subcommand AddEvalCommand(CLI::App& app) {
  auto flags = std::make_shared<EvalFlags>();
  CLI::App* eval = app.add_subcommand(
      "eval", "FROC of the detector: a folder of images against ground truth, or synthetic images");
  eval->add_option("--images", flags->images_dir,
                   "folder of images (" + ImageExtensionList() + ")");
  eval->add_option("--truth", flags->truth_path,
                   "ground truth: MIAS annotations.txt, or CSV image,x,y,radius (y from the top)");
  eval->add_option("--format", flags->format, "truth format (auto: .csv is csv, else mias)")
      ->check(CLI::IsMember({"auto", "mias", "csv"}))->capture_default_str();
  eval->add_option("--pixel-spacing", flags->pixel_spacing,
                   "mm per pixel for every image (default: the files'; 0.2 for MIAS)");
  eval->add_option("--out", flags->out_dir, "write the curves (CSV), findings and plot (SVG) here")
      ->capture_default_str();
  AddThreadsOption(eval, &flags->threads);
  eval->add_option("--synthetic", flags->synthetic,
                   "evaluate on N synthetic images instead (cluster and calcification FROC)")
      ->check(CLI::Range(1, 100000));
  eval->add_option("--seed", flags->seed, "synthetic: seed of the set")->capture_default_str();
  eval->add_option("--spacing", flags->spacing, "synthetic: pixel spacing, mm")
      ->capture_default_str()->check(CLI::Range(0.02, 1.0));
  eval->add_option("--size", flags->size, "synthetic: image side, pixels")
      ->capture_default_str()->check(CLI::Range(128, 8192));
  eval->add_option("--bits", flags->bits, "synthetic: 8 or 16")
      ->capture_default_str()->check(CLI::IsMember({8, 16}));
  AddScorerOptions(eval, &flags->scorer);
  eval->add_option("--param", flags->scorer.param_overrides,
                   "tuning: set a detector parameter, NAME=VALUE (repeatable)");
  eval->add_option("--fold-models", flags->fold_models,
                   "cross-validation: film i of --images is evaluated with model i % N of these "
                   "(trained with mammocad patches --fold i --folds N)")
      ->delimiter(',')->needs("--images");
  eval->add_flag("--compare-handmade", flags->compare_handmade,
                 "also evaluate the hand-made score and plot its cluster curve");
  eval->add_flag("--operating-points", flags->operating_points,
                 "print the named operating points of the cluster curve (min_score, sensitivity, "
                 "FP/image at <= 0.25, 0.5, 1 FP/image) as the scorer's table or model file "
                 "holds them");
  eval->add_flag("--realistic", flags->realistic,
                 "synthetic: the morphological model (0-3 clusters of 3-30 calcifications of "
                 "four morphologies per image; --size caps the side)");
  eval->add_flag("--reliability", flags->reliability,
                 "also print the reliability of the cluster scores (the share of findings per "
                 "score tenth that hit a lesion) and plot it (reliability.svg in --out)");
  eval->add_flag("--candidate-stage", flags->candidate_stage,
                 "synthetic: also measure the candidate stage alone (clusters keeping >= 3 "
                 "members among the candidates, candidates per image; each lost cluster "
                 "described)");
  eval->add_flag("--lost-crops", flags->lost_crops,
                 "with --candidate-stage: write a picture of each lost cluster into --out "
                 "(calcifications circled green when hit, yellow when missed; candidates red)")
      ->needs("--candidate-stage");
  eval->add_flag("--benign", flags->benign,
                 "synthetic --realistic: also benign calcifications and artefacts in every image")
      ->needs("--realistic");
  eval->add_flag("--benign-only", flags->benign_only,
                 "synthetic --realistic: benign calcifications and artefacts, no clusters")
      ->needs("--realistic");
  eval->add_option("--insert-into", flags->insert_into,
                   "insert simulated clusters into the NORM films of this MIAS folder "
                   "(--truth: its annotations.txt) and evaluate them")
      ->excludes(eval->get_option("--synthetic"));
  eval->add_option("--insert-clusters", flags->insert_clusters, "clusters per inserted film")
      ->capture_default_str()->check(CLI::Range(1, 5));
  eval->get_option("--images")->excludes(eval->get_option("--synthetic"));
  return {eval, [flags] { return RunEval(*flags); }};
}

}  // namespace mammocad
