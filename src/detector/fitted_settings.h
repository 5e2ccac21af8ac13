// The detector settings a learned model was fitted under: every parameter of the fitted stages
// (mask, enhancement, candidates, clusters; IsFittedStage in mammocad/detector_params.h). A
// model knows only the candidates and clusters these settings make, so a scorer applies them
// (FittedParams) and refuses a detector with others (CheckParams). Shared by the learned
// (forest) and the neural scorer and their model files.
#ifndef MAMMOCAD_DETECTOR_FITTED_SETTINGS_H_
#define MAMMOCAD_DETECTOR_FITTED_SETTINGS_H_

#include <opencv2/core.hpp>
#include <string>

#include "mammocad/detector_params.h"
#include "mammocad/status.h"

namespace mammocad {

// `base` with the fitted stages' parameters of `fitted`.
DetectorParams ApplyFittedSettings(const DetectorParams& fitted, DetectorParams base);

// kBadParameter naming the first fitted-stage parameter where `params` differs from `fitted`.
Status CheckFittedSettings(const DetectorParams& fitted, const DetectorParams& params,
                           const std::string& model_version);

// The `fitted_params` map of a model file: written into an open FileStorage, read back. Read
// refuses (kBadParameter naming `path`) a map that lacks any fitted-stage parameter.
void WriteFittedSettings(const DetectorParams& fitted, cv::FileStorage& storage);
Status ReadFittedSettings(const cv::FileNode& node, const std::string& path,
                          DetectorParams* fitted);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_FITTED_SETTINGS_H_
