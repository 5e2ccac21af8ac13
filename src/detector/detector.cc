// The detector: runs the stages of src/detector/ in order and maps results to the input grid.
#include "mammocad/detector.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include <opencv2/imgproc.hpp>

#include "detector/parallel.h"
#include "detector/stages.h"
#include "detector/candidate_trace.h"
#include "detector/features.h"

namespace mammocad {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Status ValidateInput(const Image& image, const DetectOptions& options) {
  if (image.pixels.empty()) return Status(ErrorCode::kUnsupportedFormat, "image has no pixels");
  const int type = image.pixels.type();
  if (type != CV_8UC1 && type != CV_16UC1) {
    return Status(ErrorCode::kUnsupportedFormat,
                  "pixels must be 8- or 16-bit single channel");
  }
  const int container_bits = type == CV_8UC1 ? 8 : 16;
  if (image.bits_stored < 1 || image.bits_stored > container_bits) {
    return Status(ErrorCode::kBadParameter,
                  "bits_stored " + std::to_string(image.bits_stored) + " does not fit the pixels");
  }
  if (!(options.min_score >= 0.0 && options.min_score <= 1.0)) {
    return Status(ErrorCode::kBadParameter, "min_score must lie in [0, 1]");
  }
  if (options.max_threads < 0) {
    return Status(ErrorCode::kBadParameter, "max_threads must be >= 0");
  }
  if (!(options.spacing_override_mm >= 0.0)) {
    return Status(ErrorCode::kBadParameter, "pixel spacing must be positive");
  }
  if (!(options.default_spacing_mm >= 0.0)) {
    return Status(ErrorCode::kBadParameter, "the default pixel spacing must be positive");
  }
  return Status::Ok();
}

// Candidates come out on the analysis grid; findings are reported on the input grid.
std::vector<Calcification> ToInputGrid(std::vector<Calcification> calcs,
                                       const detail::AnalysisImage& analysis, cv::Size size) {
  for (Calcification& c : calcs) {
    c.centre = detail::ToInputGrid(analysis, c.centre);
    c.box = detail::ToInputGrid(analysis, c.box, size);
  }
  return calcs;
}

// The bounding box of the mask grown by the enhancement's support; empty for an empty mask.
cv::Rect BreastRegion(const cv::Mat1b& mask, double spacing_mm, const DetectorParams& p) {
  const cv::Rect breast = cv::boundingRect(mask);
  if (breast.empty()) return breast;
  const int support = detail::EnhancementSupportPx(spacing_mm, p);
  // The origin stays on the enhancement's reduced grids, so the crop changes no value.
  const int period = detail::EnhancementGridPx(spacing_mm, p);
  const int x0 = std::max(0, (breast.x - support) / period * period);
  const int y0 = std::max(0, (breast.y - support) / period * period);
  const cv::Point end(breast.x + breast.width + support, breast.y + breast.height + support);
  return cv::Rect(cv::Point(x0, y0), end) & cv::Rect(cv::Point(0, 0), mask.size());
}

std::vector<Calcification> Shifted(std::vector<Calcification> calcs, cv::Point offset) {
  for (Calcification& c : calcs) {
    c.centre += cv::Point2f(offset);
    c.box += offset;
  }
  return calcs;
}

std::vector<Finding> AsCalcificationFindings(const std::vector<Calcification>& calcs) {
  std::vector<Finding> findings;
  findings.reserve(calcs.size());
  for (const Calcification& c : calcs) {
    Finding f;
    f.kind = FindingKind::kCalcification;
    f.score = c.score;
    f.box = c.box;
    findings.push_back(f);
  }
  return findings;
}

// Each cluster's distance from its centre to the breast outline (DistancesToOutlineMm).
void MeasureSkinDistances(const cv::Mat1b& mask, const detail::AnalysisImage& analysis,
                          const DetectorParams& params, std::vector<Finding>* clusters) {
  std::vector<cv::Point2f> centres;
  for (const Finding& f : *clusters) {
    centres.emplace_back((f.box.x + 0.5f * f.box.width) / analysis.scale_x,
                         (f.box.y + 0.5f * f.box.height) / analysis.scale_y);
  }
  const std::vector<double> distances =
      detail::DistancesToOutlineMm(mask, analysis.spacing_mm, params, centres);
  for (size_t i = 0; i < clusters->size(); ++i) {
    (*clusters)[i].evidence.skin_distance_mm = distances[i];
  }
}

// The image's candidates per cm2 of its breast mask (the analysis grid's); -1 without a breast.
double CandidatesPerCm2(size_t candidates, const cv::Mat1b& mask, double spacing_mm) {
  const double area_cm2 = cv::countNonZero(mask) * spacing_mm * spacing_mm / 100.0;
  return area_cm2 > 0 ? candidates / area_cm2 : -1.0;
}

// Scores every candidate, or with `clusters_only` those that could be a cluster's member
// (detail::CouldJoinACluster); the others keep score 0.
void ScoreCandidates(const CandidateScorer& scorer, const CandidateContext& context,
                     bool clusters_only, std::vector<Calcification>* calcs) {
  if (!clusters_only) {
    scorer.Score(context, calcs);
    return;
  }
  const std::vector<bool> could =
      detail::CouldJoinACluster(*calcs, context.spacing_mm, context.params);
  std::vector<Calcification> linked;
  for (size_t i = 0; i < calcs->size(); ++i) {
    if (could[i]) linked.push_back((*calcs)[i]);
  }
  if (!linked.empty()) scorer.Score(context, &linked);
  size_t next = 0;
  for (size_t i = 0; i < calcs->size(); ++i) {
    (*calcs)[i].score = could[i] ? linked[next++].score : 0.0;
  }
}

// The stages in order; may throw cv::Exception (caught by Detect). With `trace`, every
// candidate and its features are kept too (training and evaluation).
void RunStages(const Image& image, double spacing, const DetectOptions& options,
               const DetectorParams& params, const CandidateScorer& scorer,
               DetectionResult* result, CandidateTrace* trace) {
  StageTimings& t = result->timings;
  auto stage = Clock::now();
  const detail::AnalysisImage analysis =
      detail::Normalise(image, spacing, params, detail::AvailableThreads(options.max_threads));
  t.normalise_ms = MillisecondsSince(stage);

  stage = Clock::now();
  const cv::Mat1b mask = detail::ComputeBreastMask(analysis.pixels, analysis.spacing_mm, params);
  t.mask_ms = MillisecondsSince(stage);

  // Only the breast and the filters' support around it are enhanced (often half the image).
  stage = Clock::now();
  const cv::Rect roi = BreastRegion(mask, analysis.spacing_mm, params);
  cv::Mat1f response;
  if (!roi.empty()) {
    const int threads = detail::AvailableThreads(options.max_threads);
    response = detail::EnhanceSpotsInStrips(analysis.pixels(roi), analysis.spacing_mm, params,
                                            threads, threads);
  }
  t.enhance_ms = MillisecondsSince(stage);

  stage = Clock::now();
  std::vector<Calcification> calcs;
  if (!roi.empty()) {
    calcs = detail::FindCandidates(response, mask(roi), analysis.spacing_mm, params,
                                   detail::AvailableThreads(options.max_threads));
    const cv::Mat1f image_roi = analysis.pixels(roi);
    const cv::Mat1b breast_roi = mask(roi);
    const CandidateContext context{image_roi,           response, breast_roi,
                                   analysis.spacing_mm, params,   options.max_threads};
    // Clusters only, and no second look (which seeds from any candidate's score): candidates
    // that no cluster can hold are left unscored (0), which changes no cluster.
    const bool clusters_only = options.level == FindingLevel::kCluster && trace == nullptr &&
                               !detail::SecondLookRuns(params, analysis.spacing_mm) &&
                               scorer.ScoresEachCandidateAlone();
    ScoreCandidates(scorer, context, clusters_only, &calcs);
    // The second look: a cluster's faint members lie near its strong ones.
    std::vector<Calcification> faint = detail::FindFaintNeighbours(
        response, breast_roi, calcs, analysis.spacing_mm, params,
        detail::AvailableThreads(options.max_threads));
    if (!faint.empty()) {
      scorer.Score(context, &faint);
      std::erase_if(faint, [&](const Calcification& k) {
        return k.score < params.second_look_min_score;
      });
      calcs.insert(calcs.end(), faint.begin(), faint.end());
    }
    if (trace) {
      trace->features = ComputeCandidateFeatures(image_roi, response, breast_roi, calcs,
                                                 analysis.spacing_mm, params);
      if (trace->patch_geometry) {
        trace->patches = ExtractPatches(context, calcs, *trace->patch_geometry);
      }
    }
    calcs = ToInputGrid(Shifted(std::move(calcs), roi.tl()), analysis, image.pixels.size());
  }
  if (trace) trace->candidates = calcs;
  t.candidates_ms = MillisecondsSince(stage);

  stage = Clock::now();
  std::vector<Finding> findings =
      options.level == FindingLevel::kCluster
          ? detail::GroupIntoClusters(calcs, spacing, image.pixels.size(), params)
          : AsCalcificationFindings(calcs);
  if (options.level == FindingLevel::kCluster && !findings.empty()) {
    MeasureSkinDistances(mask, analysis, params, &findings);
    const double density = CandidatesPerCm2(calcs.size(), mask, analysis.spacing_mm);
    for (Finding& f : findings) {
      f.evidence.image_candidates_per_cm2 = density;
      f.score = scorer.ClusterScore(f.evidence);
    }
    detail::DiscountByRankInImage(params.cluster_rank_decay, &findings);
  }
  std::erase_if(findings, [&](const Finding& f) { return f.score < options.min_score; });
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.score > b.score; });
  result->findings = std::move(findings);
  t.cluster_ms = MillisecondsSince(stage);
}

}  // namespace

Detector::Detector(DetectorParams params) : params_(params), scorer_(HandmadeScorer()) {}
Detector::Detector(DetectorParams params, std::shared_ptr<const CandidateScorer> scorer)
    : params_(params), scorer_(std::move(scorer)) {}

Status Detector::Create(DetectorParams params, std::shared_ptr<const CandidateScorer> scorer,
                        Detector* detector) {
  if (!scorer) return Status(ErrorCode::kBadParameter, "no candidate scorer");
  if (Status s = scorer->CheckParams(params); !s.ok()) return s;
  *detector = Detector(params, std::move(scorer));
  return Status::Ok();
}

double ResolveSpacing(const Image& image, const DetectOptions& options, const DetectorParams& p,
                      SpacingSource* source) {
  if (options.spacing_override_mm > 0) {
    *source = SpacingSource::kRequest;
    return options.spacing_override_mm;
  }
  if (image.file_spacing_mm > 0) {
    *source = image.file_spacing_source;
    return image.file_spacing_mm;
  }
  if (options.default_spacing_mm > 0) {
    *source = SpacingSource::kServerDefault;
    return options.default_spacing_mm;
  }
  *source = SpacingSource::kDefault;
  const int longer_side = std::max(image.pixels.cols, image.pixels.rows);
  return longer_side > 0 ? p.assumed_field_of_view_mm / longer_side : 0.0;
}

Status Detector::Detect(const Image& image, const DetectOptions& options,
                        DetectionResult* result) const {
  return DetectWithTrace(*this, image, options, result, nullptr);
}

Status DetectWithTrace(const Detector& detector, const Image& image, const DetectOptions& options,
                       DetectionResult* result, CandidateTrace* trace) {
  *result = DetectionResult();
  if (trace) {
    const PatchGeometry* geometry = trace->patch_geometry;
    *trace = CandidateTrace();
    trace->patch_geometry = geometry;
  }
  const DetectorParams& params = detector.params();
  if (Status s = ValidateInput(image, options); !s.ok()) return s;
  const double spacing = ResolveSpacing(image, options, params, &result->spacing_source);
  if (!(spacing >= params.min_spacing_mm && spacing <= params.max_spacing_mm)) {
    return Status(ErrorCode::kBadParameter,
                  "pixel spacing " + std::to_string(spacing) + " mm is outside [" +
                      std::to_string(params.min_spacing_mm) + ", " +
                      std::to_string(params.max_spacing_mm) + "] mm");
  }
  result->spacing_mm = spacing;
  const auto start = Clock::now();
  const detail::ComputingThread computing;  // parallel regions use only the other cores
  // The stages throw only OpenCV's exceptions (out of memory, a failed assertion) and
  // std::bad_alloc; none may cross the module line.
  try {
    RunStages(image, spacing, options, params, detector.scorer(), result, trace);
  } catch (const cv::Exception& e) {
    *result = DetectionResult();
    return Status(ErrorCode::kInternal, std::string("image processing failed: ") + e.what());
  } catch (const std::exception& e) {
    *result = DetectionResult();
    return Status(ErrorCode::kInternal, std::string("detector failed: ") + e.what());
  }
  result->timings.total_ms = MillisecondsSince(start);
  return Status::Ok();
}

}  // namespace mammocad
