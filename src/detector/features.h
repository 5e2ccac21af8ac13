// Features of each candidate calcification, for the learned scorer and for training (a
// detector stage: after the candidates, before the scorer). All are dimensionless or in mm so
// that they mean the same at every pixel spacing and scanner; docs/learned-scoring.md lists
// them. Thread-safety: pure functions.
#ifndef MAMMOCAD_DETECTOR_FEATURES_H_
#define MAMMOCAD_DETECTOR_FEATURES_H_

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "mammocad/detector_params.h"
#include "mammocad/findings.h"

namespace mammocad {

// The features, in order (a model file records them and refuses other lists).
const std::vector<std::string>& CandidateFeatureNames();

// Features of each candidate (same order). `image`: the analysis image [0, 1] (a region of it
// is fine), `response`: the enhanced image on the same grid, `breast`: the breast mask on that
// grid (non-zero inside; an empty mask means the whole image), `calcs`: candidates on that grid
// (as FindCandidates returns them), spacing of that grid.
std::vector<std::vector<float>> ComputeCandidateFeatures(const cv::Mat1f& image,
                                                         const cv::Mat1f& response,
                                                         const cv::Mat1b& breast,
                                                         const std::vector<Calcification>& calcs,
                                                         double spacing_mm,
                                                         const DetectorParams& params);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_FEATURES_H_
