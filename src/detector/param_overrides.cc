#include "detector/param_overrides.h"

#include <cmath>
#include <cstdlib>
#include <map>

namespace mammocad {
namespace {

// Name -> setter. Integers are rounded.
using Setter = void (*)(DetectorParams*, double);
const std::map<std::string, Setter>& Setters() {
  static const std::map<std::string, Setter> setters = {
#define MAMMOCAD_DOUBLE(field) {#field, [](DetectorParams* p, double v) { p->field = v; }}
#define MAMMOCAD_INT(field) \
  {#field, [](DetectorParams* p, double v) { p->field = static_cast<int>(std::lround(v)); }}
      MAMMOCAD_DOUBLE(mask_otsu_fraction),        MAMMOCAD_DOUBLE(mask_margin_mm),
      MAMMOCAD_DOUBLE(candidate_threshold_sigma), MAMMOCAD_DOUBLE(max_lineness),
      MAMMOCAD_DOUBLE(max_candidate_diameter_mm), MAMMOCAD_DOUBLE(noise_window_mm),
      MAMMOCAD_INT(cluster_min_members),          MAMMOCAD_DOUBLE(cluster_link_distance_mm),
      MAMMOCAD_DOUBLE(cluster_max_extent_mm),     MAMMOCAD_INT(cluster_score_members),
      MAMMOCAD_DOUBLE(score_midpoint_sigma),      MAMMOCAD_DOUBLE(score_slope_sigma),
      MAMMOCAD_DOUBLE(cluster_min_member_score),  MAMMOCAD_DOUBLE(background_ratio),
      MAMMOCAD_DOUBLE(min_calc_diameter_mm),      MAMMOCAD_DOUBLE(max_calc_diameter_mm),
      MAMMOCAD_INT(enhancement_scales),           MAMMOCAD_DOUBLE(min_filter_sigma_px),
      MAMMOCAD_DOUBLE(noise_clip_sigma),          MAMMOCAD_DOUBLE(line_ring_radius_mm),
#undef MAMMOCAD_DOUBLE
#undef MAMMOCAD_INT
  };
  return setters;
}

}  // namespace

std::vector<std::string> OverridableParamNames() {
  std::vector<std::string> names;
  for (const auto& [name, setter] : Setters()) names.push_back(name);
  return names;
}

Status ApplyParamOverride(const std::string& assignment, DetectorParams* params) {
  const size_t equals = assignment.find('=');
  const std::string name = assignment.substr(0, equals);
  const auto setter = Setters().find(name);
  if (equals == std::string::npos || setter == Setters().end()) {
    return Status(ErrorCode::kBadParameter, "not an overridable parameter: '" + assignment + "'");
  }
  const std::string text = assignment.substr(equals + 1);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
    return Status(ErrorCode::kBadParameter, "not a number in '" + assignment + "'");
  }
  setter->second(params, value);
  return Status::Ok();
}

}  // namespace mammocad
