// Analysis: the work behind one BreastCalcify request, independent of HTTP and JSON, so the
// server, the CLI and tests share it. Takes uploaded files plus options, decodes each file,
// runs the detector, and returns per-image results in upload order.
//
// Thread-safety: an Analyzer is immutable; Analyze() may run on many threads at once.
#ifndef MAMMOCAD_SERVICE_ANALYSIS_H_
#define MAMMOCAD_SERVICE_ANALYSIS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mammocad/decode.h"
#include "mammocad/detector.h"

namespace mammocad {

struct UploadedFile {
  std::string name;   // file name as sent (or the path, for the CLI); for messages and v2
  std::string bytes;
};

struct ImageAnalysis {
  std::string name;
  Image image;                 // kept so the debug renderer can draw on it
  DetectionResult detection;
  double decode_ms = 0;
};

struct AnalysisResponse {
  std::vector<ImageAnalysis> images;  // upload order
  double total_ms = 0;
};

// Reads the optional request values `min_score`, `pixel_spacing` and `level` through `lookup`
// (which returns the value of a named form/query field, if present). Errors: kBadParameter,
// naming the field and what is accepted.
Status ParseDetectOptions(const std::function<std::optional<std::string>(const std::string&)>& lookup,
                          const DetectorParams& params, DetectOptions* options);

class Analyzer {
 public:
  // `detector` must outlive the Analyzer.
  Analyzer(const Detector& detector, DecodeLimits limits) : detector_(detector), limits_(limits) {}

  // Errors: kNoImages for an empty list; otherwise the first failing image's error, its
  // message prefixed with the image's position and name.
  Status Analyze(const std::vector<UploadedFile>& files, const DetectOptions& options,
                 AnalysisResponse* response) const;

  const DecodeLimits& limits() const { return limits_; }

 private:
  const Detector& detector_;
  DecodeLimits limits_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVICE_ANALYSIS_H_
