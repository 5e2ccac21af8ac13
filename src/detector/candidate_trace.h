// Training and evaluation outputs of a detection run that the public API does not carry:
// every candidate (not only cluster members) and its learned-scoring features. Only the eval
// module (training data, candidate-stage measurements) uses this header.
#ifndef MAMMOCAD_DETECTOR_CANDIDATE_TRACE_H_
#define MAMMOCAD_DETECTOR_CANDIDATE_TRACE_H_

#include <vector>

#include "detector/patches.h"
#include "mammocad/detector.h"

namespace mammocad {

struct CandidateTrace {
  // Input: set to also make each candidate's neural-scorer patch (patches.h).
  const PatchGeometry* patch_geometry = nullptr;

  std::vector<Calcification> candidates;        // input grid, scored by the detector's scorer
  std::vector<std::vector<float>> features;     // CandidateFeatureNames(), same order
  cv::Mat patches;                              // with patch_geometry: one per candidate
};

// Detector::Detect, also filling `trace` (may be null; its outputs are reset, its input kept).
// The same errors; never throws.
Status DetectWithTrace(const Detector& detector, const Image& image, const DetectOptions& options,
                       DetectionResult* result, CandidateTrace* trace);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_CANDIDATE_TRACE_H_
