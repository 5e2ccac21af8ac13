// Analysis: the work behind one detection request, independent of HTTP and JSON, so the
// server, the CLI and tests share it. Takes uploaded files plus options, decodes each file,
// runs the detection task (service/task.h), and returns per-image results in upload order.
//
// Thread-safety: an Analyzer is immutable; Analyze() may run on many threads at once.
#ifndef MAMMOCAD_SERVICE_ANALYSIS_H_
#define MAMMOCAD_SERVICE_ANALYSIS_H_

#include <string>
#include <string_view>
#include <vector>

#include "mammocad/decode.h"
#include "mammocad/detector.h"
#include "service/task.h"

namespace mammocad {

// One file to analyse. The bytes are borrowed, not copied: an upload can be 64 MiB, and the
// server's request (or the CLI's buffer) already holds them. They must outlive Analyze().
struct UploadedFile {
  std::string name;        // file name as sent (or the path, for the CLI); for messages and v2
  std::string_view bytes;  // not owned
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
  // The task's named operating points and its default (DetectionTask::OperatingPoints).
  std::vector<NamedOperatingPoint> operating_points;
  std::string default_operating_point;
};

// kNoImages with the message that tells the client where images go; for every front end that
// finds no image in a request.
Status NoImagesReceived();

// What a request log line says about the analysed images, without names or values (they may
// carry patient data): per image in upload order its spacing source (SpacingSourceName, with
// "(guessed)" when IsGuessedSpacing) and whether its file was lossy (0/1), e.g. for a DICOM
// and a JPEG "images=2 spacing=imager_pixel_spacing,default(guessed) lossy=0,1".
std::string AnalysisLogSummary(const AnalysisResponse& response);

class Analyzer {
 public:
  // `task` must outlive the Analyzer.
  Analyzer(const DetectionTask& task, DecodeLimits limits) : task_(task), limits_(limits) {}

  // Errors: kNoImages for an empty list; otherwise the first failing image's error, its
  // message prefixed with the image's position and name.
  Status Analyze(const std::vector<UploadedFile>& files, const DetectOptions& options,
                 AnalysisResponse* response) const;

  // One file, as one image of Analyze() (`analysis` filled in, also its name), but errors
  // keep the decoder's or the task's own message.
  Status AnalyzeOne(const UploadedFile& file, const DetectOptions& options,
                    ImageAnalysis* analysis) const;

  const DetectionTask& task() const { return task_; }
  const DecodeLimits& limits() const { return limits_; }

 private:
  const DetectionTask& task_;
  DecodeLimits limits_;
};

}  // namespace mammocad

#endif  // MAMMOCAD_SERVICE_ANALYSIS_H_
