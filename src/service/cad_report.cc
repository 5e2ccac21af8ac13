#include "service/cad_report.h"

#include "dicom/cad_sr.h"

namespace mammocad {

Status MakeCadReport(const ImageAnalysis& analysis, std::string_view source,
                     const DetectionTask& task, const DecodeLimits& limits, std::size_t index,
                     std::string* sr_bytes) {
  const std::string where = "image " + std::to_string(index);
  if (analysis.image.format != "dicom") {
    return Status(ErrorCode::kBadParameter,
                  where + " is " + (analysis.image.format.empty() ? "no DICOM" : analysis.image.format) +
                      ", not DICOM: a CAD report (format=sr) references its image by DICOM UIDs");
  }
  const CadAlgorithm algorithm{"mammocad " + task.name(), MAMMOCAD_VERSION};
  Status status =
      WriteMammographyCadSr(source, analysis.detection.findings, algorithm, limits, sr_bytes);
  if (!status.ok()) return Status(status.code(), where + ": " + status.message());
  return status;
}

}  // namespace mammocad
