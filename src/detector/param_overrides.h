// Setting DetectorParams fields by name, for tuning experiments from the command line
// (`mammocad eval --param cluster_link_distance_mm=4`). Only the fields listed by
// OverridableParamNames() can be set.
#ifndef MAMMOCAD_PARAM_OVERRIDES_H_
#define MAMMOCAD_PARAM_OVERRIDES_H_

#include <string>
#include <vector>

#include "mammocad/detector_params.h"
#include "mammocad/status.h"

namespace mammocad {

std::vector<std::string> OverridableParamNames();

// Applies "name=value". kBadParameter for an unknown name or a value that is not a number.
Status ApplyParamOverride(const std::string& assignment, DetectorParams* params);

}  // namespace mammocad

#endif  // MAMMOCAD_PARAM_OVERRIDES_H_
