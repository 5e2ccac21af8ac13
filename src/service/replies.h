// The JSON shapes of mammocad's replies. JSON lives only here, at the edge (server and CLI);
// the rest of the project passes structs.
//
// Legacy (the old service's contract): {"state": 0, "result": "<JSON text>"}, where the text
// is [[score, x, y, w, h], ...] for one image, highest score first, and for several images a
// list of such lists in upload order. On error: {"state": N, "result": "<message>"}.
// v2: structured JSON, see docs/api.md.
#ifndef MAMMOCAD_SERVICE_REPLIES_H_
#define MAMMOCAD_SERVICE_REPLIES_H_

#include <string>

#include "service/analysis.h"

namespace mammocad {

// The `result` text: [[score,x,y,w,h],...] or, for several images, [[[...]],[[...]]].
std::string LegacyResultText(const AnalysisResponse& response);

// The whole legacy reply body.
std::string LegacyReply(const AnalysisResponse& response);
std::string LegacyErrorReply(const Status& status);

// The v2 reply body (pretty = indented, for the CLI).
std::string V2Reply(const AnalysisResponse& response, bool pretty = false);
std::string V2ErrorReply(const Status& status);

// `mammocad batch`'s JSON Lines, one object per file on one line (with its '\n'): the path,
// state 0 and the v2 image fields but timings (so that reruns and shards give equal rows),
// plus "sop_instance_uid" and "study_instance_uid" when the file has them; for a file that
// failed, the path, its state and the v2 error object.
std::string BatchResultLine(const std::string& path, const ImageAnalysis& analysis);
std::string BatchErrorLine(const std::string& path, const Status& status);

// One image's findings as the legacy result text: [[score,x,y,w,h],...].
std::string LegacyFindingsText(const DetectionResult& detection);

// GET /healthz: {"status":"ok","version":"<MAMMOCAD_VERSION>"}.
std::string HealthReply();

}  // namespace mammocad

#endif  // MAMMOCAD_SERVICE_REPLIES_H_
