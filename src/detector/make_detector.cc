// MakeDetector: the one place where a detector's candidate scorer is chosen.
#include <cstdio>

#include "detector/param_overrides.h"
#include "mammocad/detector.h"
#include "mammocad/scoring.h"

namespace mammocad {
namespace {

// `params` with every --param assignment applied, in order.
Status ApplyOverrides(const ScorerChoice& choice, DetectorParams* params) {
  for (const std::string& assignment : choice.param_overrides) {
    if (Status s = ApplyParamOverride(assignment, params); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& ScorerNames() {
  static const std::vector<std::string> names = {"handmade", "learned"};
  return names;
}

Status MakeDetector(const ScorerChoice& choice, std::unique_ptr<Detector>* detector) {
  DetectorParams overridden;
  if (Status s = ApplyOverrides(choice, &overridden); !s.ok()) return s;
  if (choice.scorer == "handmade") {
    *detector = std::make_unique<Detector>(overridden);
    return Status::Ok();
  }
  if (choice.scorer != "learned") {
    return Status(ErrorCode::kBadParameter, "unknown scorer '" + choice.scorer +
                                                "': use handmade or learned");
  }
  std::shared_ptr<const CandidateScorer> scorer;
  const Status s = CandidateScorer::Load(choice.model_path, &scorer);
  if (!s.ok()) {
    if (!choice.fallback_to_handmade) return s;
    std::fprintf(stderr, "mammocad: warning: %s; falling back to the hand-made score\n",
                 s.message().c_str());
    *detector = std::make_unique<Detector>(overridden);
    return Status::Ok();
  }
  // The model's settings first, then the overrides (e.g. its member floor may be tuned); the
  // candidate stage stays the model's, since the model only knows those candidates.
  DetectorParams params = ParamsForScorer(*scorer, DetectorParams());
  if (Status s = ApplyOverrides(choice, &params); !s.ok()) return s;
  *detector = std::make_unique<Detector>(WithCandidateStageOf(*scorer, params), scorer);
  return Status::Ok();
}

}  // namespace mammocad
