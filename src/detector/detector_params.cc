// The parameter table's rows (include/mammocad/detector_params.h).
#include "mammocad/detector_params.h"

#include <cmath>
#include <type_traits>

namespace mammocad {

std::string_view ParamStageName(ParamStage stage) {
  switch (stage) {
    case ParamStage::kScale: return "scale";
    case ParamStage::kMask: return "mask";
    case ParamStage::kEnhancement: return "enhancement";
    case ParamStage::kCandidates: return "candidates";
    case ParamStage::kHandmadeScore: return "handmade_score";
    case ParamStage::kClusters: return "clusters";
  }
  return "scale";
}

bool IsFittedStage(ParamStage stage) {
  return stage == ParamStage::kMask || stage == ParamStage::kEnhancement ||
         stage == ParamStage::kCandidates || stage == ParamStage::kClusters;
}

const std::vector<ParamInfo>& DetectorParamTable() {
  static const std::vector<ParamInfo> table = {
#define MAMMOCAD_PARAM_ROW(type, field, value, min, max, stage, doc)                        \
  ParamInfo{#field, std::is_integral_v<type>, static_cast<double>(value), min, max,          \
            ParamStage::stage, doc,                                                           \
            [](const DetectorParams& p) { return static_cast<double>(p.field); },             \
            [](DetectorParams* p, double v) {                                                 \
              if constexpr (std::is_integral_v<type>) {                                       \
                p->field = static_cast<type>(std::lround(v));                                 \
              } else {                                                                        \
                p->field = v;                                                                 \
              }                                                                               \
            }},
      MAMMOCAD_DETECTOR_PARAMS(MAMMOCAD_PARAM_ROW)
#undef MAMMOCAD_PARAM_ROW
  };
  return table;
}

}  // namespace mammocad
