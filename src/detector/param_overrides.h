// Setting DetectorParams fields by name, for tuning experiments from the command line
// (`mammocad eval --param cluster_link_distance_mm=4`). Every row of the parameter table
// (mammocad/detector_params.h) can be set, within its range.
#ifndef MAMMOCAD_DETECTOR_PARAM_OVERRIDES_H_
#define MAMMOCAD_DETECTOR_PARAM_OVERRIDES_H_

#include <string>
#include <vector>

#include "mammocad/detector_params.h"
#include "mammocad/status.h"

namespace mammocad {

std::vector<std::string> OverridableParamNames();

// Applies "name=value". kBadParameter for an unknown name, a value that is not a number, or
// one outside the parameter's range (the message names the range).
Status ApplyParamOverride(const std::string& assignment, DetectorParams* params);

// The parameter reference (docs/detector-params.md): one Markdown table per stage.
std::string ParamReferenceMarkdown();

}  // namespace mammocad

#endif  // MAMMOCAD_DETECTOR_PARAM_OVERRIDES_H_
