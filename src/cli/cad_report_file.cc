#include "cli/cad_report_file.h"

#include <fstream>
#include <string>

#include "service/cad_report.h"

namespace mammocad {

Status WriteCadReportFile(const ImageAnalysis& analysis, std::string_view source,
                          const DetectionTask& task, const DecodeLimits& limits,
                          std::size_t index, const std::filesystem::path& path) {
  std::string report;
  if (Status s = MakeCadReport(analysis, source, task, limits, index, &report); !s.ok()) return s;
  std::filesystem::path partial = path;
  partial += ".partial";
  {
    std::ofstream file(partial, std::ios::binary);
    if (report.empty() || !file.write(report.data(), std::streamsize(report.size())) ||
        !file.flush()) {
      return Status(ErrorCode::kIoError, "cannot write '" + partial.string() + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot write '" + path.string() + "': " + ec.message());
  return Status::Ok();
}

}  // namespace mammocad
