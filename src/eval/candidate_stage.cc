#include "eval/candidate_stage.h"

#include <algorithm>

#include "detector/candidate_trace.h"

namespace mammocad {

Status MeasureCandidateStage(const Detector& detector, int images, const SyntheticSource& source,
                             int threads, int min_members, double min_spot_hit_radius_mm,
                             CandidateStageReport* report) {
  *report = CandidateStageReport();
  const int n = std::max(0, images);
  std::vector<CandidateStageReport> per_image(n);
  const auto one = [&](int i) -> Status {
    SyntheticMammogram m;
    if (Status s = source(i, &m); !s.ok()) return s;
    DetectOptions options;
    options.spacing_override_mm = m.image.file_spacing_mm;
    options.level = FindingLevel::kCalcification;
    DetectionResult result;
    CandidateTrace trace;
    if (Status s = DetectWithTrace(detector, m.image, options, &result, &trace); !s.ok()) {
      return Status(s.code(), "image " + std::to_string(i) + ": " + s.message());
    }
    CandidateStageReport& r = per_image[i];
    r.images = 1;
    r.candidates = static_cast<long>(trace.candidates.size());
    for (const SyntheticCluster& c : m.clusters) {
      int found = 0;
      for (const SyntheticSpot& spot : c.spots) {
        const TruthLesion circle =
            SpotCircle(spot, m.image.file_spacing_mm, min_spot_hit_radius_mm);
        found += std::any_of(trace.candidates.begin(), trace.candidates.end(),
                             [&](const Calcification& k) { return HitsLesion(k.box, circle); });
      }
      ++r.clusters;
      r.clusters_kept += found >= min_members;
      r.members += static_cast<int>(c.spots.size());
      r.members_found += found;
    }
    return Status::Ok();
  };
  if (Status s = FanOut(n, threads, one, nullptr); !s.ok()) return s;
  for (const CandidateStageReport& r : per_image) {
    report->images += r.images;
    report->clusters += r.clusters;
    report->clusters_kept += r.clusters_kept;
    report->members += r.members;
    report->members_found += r.members_found;
    report->candidates += r.candidates;
  }
  return Status::Ok();
}

}  // namespace mammocad
