// The learned scorer's model file (models/*.yml, OpenCV FileStorage YAML): kind, format
// version, provenance, every detector setting of the fitted stages it was trained under
// (mask, enhancement, candidates, clusters: DetectorParamTable rows with IsFittedStage), the
// feature names, both Platt calibrations, the operating points measured on its cluster scores
// (optional: a model without them has none) and the forest. docs/learned-scoring.md.
//
// Loading refuses another kind or format version, another feature list, a file that lacks
// any fitted setting (an older model: retrain it) and malformed operating points.
// Thread-safety: re-entrant.
#ifndef MAMMOCAD_DETECTOR_MODEL_FILE_H_
#define MAMMOCAD_DETECTOR_MODEL_FILE_H_

#include <memory>
#include <string>
#include <vector>

#include "detector/learned_scorer.h"
#include "detector/model_nodes.h"  // OperatingPointsYaml

namespace mammocad {

// The model file format this build reads and writes. 2: tissue_level, member floor; 3: the
// enhancement band; 4: every fitted setting (candidate stage and cluster rule).
inline constexpr int kCandidateModelFormat = 4;

// Errors: kIoError (missing, unreadable), kBadParameter (see above); messages name the file.
Status LoadModelFile(const std::string& path, std::shared_ptr<const LearnedScorer>* scorer);

// Errors: kIoError naming the file. The operating_points node only when the scorer has points.
Status SaveModelFile(const LearnedScorer& scorer, const std::string& path);


}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_MODEL_FILE_H_
