// What the false clusters of a synthetic evaluation lie on (issue 15, item 4: are film edges,
// scanner lines, labels, dust and benign calcifications what the detector marks, or tissue and
// noise?): each false finding is attributed to the simulated benign calcification or artefact
// under it, if any, and `eval` prints the false findings per image by that source.
//
// Thread-safety: pure functions.
#ifndef MAMMOCAD_EVAL_FALSE_SOURCES_H_
#define MAMMOCAD_EVAL_FALSE_SOURCES_H_

#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "eval/evaluation.h"
#include "synth/benign.h"

namespace mammocad {

// The benign calcification or artefact of `benign` (pixels of an image at `spacing_mm`) that a
// finding's `box` lies on: the box, grown by `reach_mm`, meets what was drawn (for vessels,
// scanner lines and scratches their axis, not only their bounding box). Of several, the one
// drawn nearest the box's centre. None: the finding lies on tissue or noise.
std::optional<BenignKind> BenignUnder(const cv::Rect& box,
                                      const std::vector<SyntheticBenign>& benign,
                                      double spacing_mm, double reach_mm = 0.5);

// Per image of `report` (synthetic runs fill ImageEvaluation::false_sources): the false
// findings scoring at least `min_score`, by source, as one line: "dust 0.10, scanner line
// 0.05, ..., tissue or noise 2.40" (per image; every kind of BenignKind listed).
std::string FalseSourcesPerImage(const EvaluationReport& report, double min_score);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_FALSE_SOURCES_H_
