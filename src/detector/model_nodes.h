// The nodes both model files (the learned scorer's, the neural scorer's manifest) share.
//
// Fitted settings: the detector settings a learned model was fitted under: every parameter of the fitted stages
// (mask, enhancement, candidates, clusters; IsFittedStage in mammocad/detector_params.h). A
// model knows only the candidates and clusters these settings make, so a scorer applies them
// (FittedParams) and refuses a detector with others (CheckParams). Shared by the learned
// (forest) and the neural scorer and their model files.
#ifndef MAMMOCAD_DETECTOR_FITTED_SETTINGS_H_
#define MAMMOCAD_DETECTOR_FITTED_SETTINGS_H_

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "mammocad/candidate_scorer.h"

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

// Opens a model file for reading and checks its `kind` and `format`. Errors: kIoError (missing
// or unreadable), kBadParameter (not YAML; another kind: "<path> is not a mammocad <what>";
// another format); messages name the file.
Status OpenModelFile(const std::string& path, const std::string& kind, const std::string& what,
                     int format, cv::FileStorage* fs);

// Operating points: the optional `operating_points` list (absent in models saved before
// operating points existed and in freshly trained ones, which then have none). Read refuses
// (kBadParameter naming `path`) a malformed list: every point needs a new name, min_score and
// sensitivity in [0, 1] and fp_per_image >= 0.
void WriteOperatingPoints(const std::vector<NamedOperatingPoint>& points, cv::FileStorage& fs);
Status ReadOperatingPoints(const cv::FileNode& node, const std::string& path,
                           std::vector<NamedOperatingPoint>* points);

// The operating_points node as the model files hold it (YAML, from "operating_points:" on),
// for `mammocad eval --operating-points` to print and a model file to take as it stands.
std::string OperatingPointsYaml(const std::vector<NamedOperatingPoint>& points);

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_FITTED_SETTINGS_H_
