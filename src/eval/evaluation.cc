// Running the detector over a set of images against ground truth (eval/evaluation.h).
#include "eval/evaluation.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <opencv2/imgproc.hpp>

#include "decode/image_formats.h"
#include "detector/breast_region.h"
#include "eval/false_sources.h"
#include "mammocad/decode.h"

namespace mammocad {
namespace {

// Where the breast is at all (the detector's mask without its safety margin), on the input grid.
cv::Mat1b WholeBreast(const Image& image, double spacing_mm) {
  DetectorParams p;
  p.mask_margin_mm = 0;
  return BreastRegionOnInputGrid(image, spacing_mm, p);
}

bool OnBreast(cv::Point2f point, const cv::Mat1b& breast) {
  const cv::Point p(std::clamp(static_cast<int>(point.x), 0, breast.cols - 1),
                    std::clamp(static_cast<int>(point.y), 0, breast.rows - 1));
  return breast(p) != 0;
}

int CountOutside(const std::vector<Finding>& findings, const cv::Mat1b& breast) {
  int outside = 0;
  for (const Finding& f : findings) outside += !OnBreast(BoxCentre(f.box), breast);
  return outside;
}

std::vector<ClusterEvidence> EvidenceOf(const std::vector<Finding>& findings) {
  std::vector<ClusterEvidence> evidence;
  for (const Finding& f : findings) evidence.push_back(f.evidence);
  return evidence;
}

// Scores the findings against this image's lesions (indices within the image).
std::vector<ScoredFinding> Match(const std::vector<Finding>& findings,
                                 const std::vector<TruthLesion>& lesions) {
  std::vector<ScoredFinding> scored;
  for (const Finding& f : findings) scored.push_back({f.score, MatchLesion(f.box, lesions)});
  return scored;
}

// Image i's findings carry lesion indices that count within the image (it has counts[i]
// lesions); renumbers them to count over all images, image i's after those of images before
// it. Returns the number of lesions in all.
int MakeLesionIndicesGlobal(const std::vector<int>& counts,
                            const std::vector<std::vector<ScoredFinding>*>& findings) {
  int total = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    for (ScoredFinding& f : *findings[i]) {
      if (f.lesion >= 0) f.lesion += total;
    }
    total += counts[i];
  }
  return total;
}

// The same for the cluster findings of every image of `report`.
void MakeClusterIndicesGlobal(EvaluationReport* report) {
  std::vector<int> counts;
  std::vector<std::vector<ScoredFinding>*> findings;
  for (ImageEvaluation& e : report->images) {
    counts.push_back(e.lesions);
    findings.push_back(&e.findings);
  }
  MakeLesionIndicesGlobal(counts, findings);
}

std::vector<ScoredFinding> AllFindings(const std::vector<ImageEvaluation>& images) {
  std::vector<ScoredFinding> all;
  for (const ImageEvaluation& e : images) all.insert(all.end(), e.findings.begin(), e.findings.end());
  return all;
}


}  // namespace

void SummariseEvaluation(EvaluationReport* report) {
  int lesions = 0;
  report->findings_outside_breast = 0;
  report->total_detect_ms = 0;
  for (const ImageEvaluation& e : report->images) {
    lesions += e.lesions;
    report->findings_outside_breast += e.findings_outside_breast;
    report->total_detect_ms += e.detect_ms;
  }
  report->cluster_curve = ComputeFroc(AllFindings(report->images), lesions,
                                      static_cast<int>(report->images.size()));
}

void AppendEvaluation(EvaluationReport part, EvaluationReport* pooled) {
  int lesions_before = 0;
  for (const ImageEvaluation& e : pooled->images) lesions_before += e.lesions;
  for (ImageEvaluation& image : part.images) {
    for (ScoredFinding& f : image.findings) {
      if (f.lesion >= 0) f.lesion += lesions_before;
    }
    pooled->images.push_back(std::move(image));
  }
}

Status ListImages(const std::string& dir, std::vector<std::string>* paths) {
  paths->clear();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    if (HasImageFileExtension(entry.path().string())) paths->push_back(entry.path().string());
  }
  if (ec) return Status(ErrorCode::kIoError, "cannot list '" + dir + "': " + ec.message());
  std::sort(paths->begin(), paths->end());
  return Status::Ok();
}

Status EvaluateImages(const Detector& detector, const FolderEvaluationOptions& options,
                      const ProgressCallback& progress, EvaluationReport* report) {
  *report = EvaluationReport();
  const int n = static_cast<int>(options.image_paths.size());
  report->images.resize(n);
  DetectOptions detect;
  detect.spacing_override_mm = options.pixel_spacing_mm;
  static const std::vector<TruthLesion> kNormal;
  // Lesion indices are image-local here and made global below, once every image's lesions on
  // the breast are known.
  const auto evaluate_one = [&](int i) -> Status {
    const std::string& path = options.image_paths[i];
    const auto it = options.truth.find(ImageKey(path));
    const std::vector<TruthLesion>& truth = it == options.truth.end() ? kNormal : it->second;
    Image image;
    DetectionResult result;
    Status s = LoadImageFile(path, &image);
    if (s.ok()) s = detector.Detect(image, detect, &result);
    if (!s.ok()) return Status(s.code(), path + ": " + s.message());
    const cv::Mat1b breast = WholeBreast(image, result.spacing_mm);
    ImageEvaluation& e = report->images[i];
    e.name = ImageKey(path);
    // Each truth lesion's index among those on the breast (counted), or among those off it.
    std::vector<int> on_index(truth.size(), -1), off_index(truth.size(), -1);
    for (size_t j = 0; j < truth.size(); ++j) {
      if (OnBreast(truth[j].centre, breast)) {
        on_index[j] = e.lesions++;
      } else {
        off_index[j] = static_cast<int>(e.off_breast.size());
        e.off_breast.push_back({truth[j]});
      }
    }
    for (const Finding& f : result.findings) {
      const int j = MatchLesion(f.box, truth);
      if (j >= 0 && off_index[j] >= 0) {  // hits an annotation off the breast: not counted
        double& best = e.off_breast[off_index[j]].best_score;
        best = std::max(best, f.score);
        continue;
      }
      e.findings.push_back({f.score, j >= 0 ? on_index[j] : -1});
      e.evidence.push_back(f.evidence);
    }
    e.findings_outside_breast = CountOutside(result.findings, breast);
    e.detect_ms = result.timings.total_ms;
    return Status::Ok();
  };
  if (Status s = FanOut(n, options.threads, evaluate_one, progress); !s.ok()) return s;
  MakeClusterIndicesGlobal(report);
  SummariseEvaluation(report);
  return Status::Ok();
}

std::uint64_t SyntheticSeed(std::uint64_t seed, int index) {
  // SplitMix64 of (seed, index): distinct, well-mixed seeds for every image of every set.
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(index) + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

TruthLesion SpotCircle(const SyntheticSpot& spot, double spacing_mm, double min_radius_mm) {
  return {spot.centre, static_cast<float>(std::max(spot.diameter_mm / 2, min_radius_mm) /
                                          spacing_mm)};
}

SyntheticSource SyntheticSetSource(const SyntheticEvaluationOptions& options) {
  return [options](int i, SyntheticMammogram* out) {
    const std::uint64_t seed = SyntheticSeed(options.seed, i);
    SyntheticOptions o = options.base;
    o.seed = seed;
    if (options.realistic) {
      o = RealisticSyntheticOptions(options.base.spacing_mm, seed,
                                    std::max(options.base.width, options.base.height));
      o.bits = options.base.bits;
      if (options.benign_and_artefacts || options.benign_only) o = WithBenignAndArtefacts(o, seed);
      if (options.benign_only) o.clusters = 0;
    }
    *out = MakeSyntheticMammogram(o);
    return Status::Ok();
  };
}

Status EvaluateSynthetic(const Detector& detector, const SyntheticEvaluationOptions& options,
                         const ProgressCallback& progress, EvaluationReport* report) {
  return EvaluateGenerated(detector, options.images, SyntheticSetSource(options), options,
                           progress, report);
}

Status LoadImageFile(const std::string& path, Image* image) {
  std::string bytes;
  Status s = ReadFileBytes(path, &bytes);
  if (s.ok()) s = DecodeImage(bytes, DecodeLimits(), image);
  if (!s.ok()) return Status(s.code(), path + ": " + s.message());
  return Status::Ok();
}

cv::Mat1b InsertionRegion(const Image& image, double spacing_mm) {
  return BreastRegionOnInputGrid(image, spacing_mm, DetectorParams());
}

SyntheticSource InsertionSource(std::vector<std::string> paths, double spacing_mm,
                                std::uint64_t seed, int clusters) {
  return [paths = std::move(paths), spacing_mm, seed, clusters](int i, SyntheticMammogram* out) {
    if (i < 0 || i >= static_cast<int>(paths.size())) {
      return Status(ErrorCode::kBadParameter, "no image " + std::to_string(i) + " to insert into");
    }
    Image film;
    if (Status s = LoadImageFile(paths[i], &film); !s.ok()) return s;
    SyntheticOptions o;
    o.spacing_mm = spacing_mm;
    o.clusters = clusters;
    o.seed = SyntheticSeed(seed, i);
    o.calcifications = CalcificationModel();
    const Status s = InsertSimulatedClusters(film, InsertionRegion(film, spacing_mm), o, out);
    if (!s.ok()) return Status(s.code(), paths[i] + ": " + s.message());
    return Status::Ok();
  };
}

std::vector<std::string> NormalMiasImages(const std::vector<MiasAnnotation>& rows) {
  std::vector<std::string> ids;
  for (const MiasAnnotation& row : rows) {
    if (row.abnormality == "NORM") ids.push_back(row.id);
  }
  return ids;
}

Status TrainingFoldNormals(const std::string& dir, int fold, int folds,
                           std::vector<std::string>* paths) {
  paths->clear();
  std::vector<MiasAnnotation> rows;
  const std::filesystem::path folder(dir);
  if (Status s = ReadMiasAnnotations((folder / "annotations.txt").string(), &rows); !s.ok()) {
    return s;
  }
  std::vector<std::string> listed;
  if (Status s = ListImages(dir, &listed); !s.ok()) return s;
  const std::vector<std::string> normals = NormalMiasImages(rows);
  const std::set<std::string> normal(normals.begin(), normals.end());
  for (size_t i = 0; i < listed.size(); ++i) {
    if (!normal.count(ImageKey(listed[i]))) continue;
    if (folds > 0 && static_cast<int>(i % folds) == fold) continue;
    paths->push_back(listed[i]);
  }
  return Status::Ok();
}

Status EvaluateGenerated(const Detector& detector, int images, const SyntheticSource& source,
                         const SyntheticEvaluationOptions& options,
                         const ProgressCallback& progress, EvaluationReport* report) {
  *report = EvaluationReport();
  const int n = std::max(0, images);
  report->images.resize(n);
  // Per image: spot-level findings with image-local lesion indices, renumbered after.
  std::vector<std::vector<ScoredFinding>> spot_findings(n);
  std::vector<int> spot_counts(n);
  const auto evaluate_one = [&](int i) -> Status {
    SyntheticMammogram m;
    if (Status s = source(i, &m); !s.ok()) return s;
    const double spacing = m.image.file_spacing_mm;
    std::vector<TruthLesion> clusters, spots;
    for (const SyntheticCluster& c : m.clusters) {
      clusters.push_back({c.centre, static_cast<float>(c.radius_px)});
      for (const SyntheticSpot& s : c.spots) {
        spots.push_back(SpotCircle(s, spacing, options.min_spot_hit_radius_mm));
      }
    }
    DetectOptions detect;
    detect.spacing_override_mm = spacing;
    DetectionResult cluster_result, spot_result;
    Status s = detector.Detect(m.image, detect, &cluster_result);
    detect.level = FindingLevel::kCalcification;
    if (s.ok()) s = detector.Detect(m.image, detect, &spot_result);
    if (!s.ok()) return Status(s.code(), "synthetic image " + std::to_string(i) + ": " + s.message());
    ImageEvaluation& e = report->images[i];
    e.name = "synthetic-" + std::to_string(i);
    e.lesions = static_cast<int>(clusters.size());
    e.findings = Match(cluster_result.findings, clusters);
    e.evidence = EvidenceOf(cluster_result.findings);
    for (size_t j = 0; j < e.findings.size(); ++j) {
      e.false_sources.push_back(
          e.findings[j].lesion >= 0
              ? std::nullopt
              : BenignUnder(cluster_result.findings[j].box, m.benign, spacing));
    }
    e.findings_outside_breast = CountOutside(cluster_result.findings, m.breast);
    e.detect_ms = cluster_result.timings.total_ms;
    spot_findings[i] = Match(spot_result.findings, spots);
    spot_counts[i] = static_cast<int>(spots.size());
    return Status::Ok();
  };
  if (Status s = FanOut(n, options.threads, evaluate_one, progress); !s.ok()) return s;
  // Local lesion indices become global ones, image by image.
  MakeClusterIndicesGlobal(report);
  std::vector<std::vector<ScoredFinding>*> spots_of;
  for (std::vector<ScoredFinding>& spots : spot_findings) spots_of.push_back(&spots);
  const int total_spots = MakeLesionIndicesGlobal(spot_counts, spots_of);
  std::vector<ScoredFinding> all_spots;
  for (const std::vector<ScoredFinding>& spots : spot_findings) {
    all_spots.insert(all_spots.end(), spots.begin(), spots.end());
  }
  SummariseEvaluation(report);
  report->calcification_curve = ComputeFroc(all_spots, total_spots, n);
  report->has_calcification_curve = true;
  return Status::Ok();
}

}  // namespace mammocad
