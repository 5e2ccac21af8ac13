#include "service/analysis.h"

#include <chrono>

namespace mammocad {
namespace {

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

Status NoImagesReceived() {
  return Status(ErrorCode::kNoImages,
                "no image received: send one or more files in the multipart field 'images'");
}

std::string AnalysisLogSummary(const AnalysisResponse& response) {
  std::string spacing, lossy;
  for (const ImageAnalysis& a : response.images) {
    if (!spacing.empty()) {
      spacing += ',';
      lossy += ',';
    }
    spacing += SpacingSourceName(a.detection.spacing_source);
    if (IsGuessedSpacing(a.detection.spacing_source)) spacing += "(guessed)";
    lossy += a.image.lossy ? '1' : '0';
  }
  std::string summary = "images=" + std::to_string(response.images.size());
  summary.append(" spacing=").append(spacing).append(" lossy=").append(lossy);
  return summary;
}

Status Analyzer::AnalyzeOne(const UploadedFile& file, const DetectOptions& options,
                            ImageAnalysis* analysis) const {
  analysis->name = file.name;
  auto decode_start = std::chrono::steady_clock::now();
  Status status = DecodeImage(file.bytes, limits_, &analysis->image);
  analysis->decode_ms = MillisecondsSince(decode_start);
  if (status.ok()) status = task_.Run(analysis->image, options, &analysis->detection);
  return status;
}

Status Analyzer::Analyze(const std::vector<UploadedFile>& files, const DetectOptions& options,
                         AnalysisResponse* response) const {
  auto start = std::chrono::steady_clock::now();
  *response = AnalysisResponse();
  if (files.empty()) return NoImagesReceived();
  response->images.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    ImageAnalysis analysis;
    if (Status status = AnalyzeOne(files[i], options, &analysis); !status.ok()) {
      std::string where =
          "image " + std::to_string(i + 1) + " ('" + files[i].name.substr(0, 100) + "')";
      return Status(status.code(), where + ": " + status.message());
    }
    response->images.push_back(std::move(analysis));
  }
  response->total_ms = MillisecondsSince(start);
  response->operating_points = task_.OperatingPoints();
  response->default_operating_point = task_.DefaultOperatingPoint();
  return Status::Ok();
}

}  // namespace mammocad
