// The CAD report of one analysed DICOM image as a file, for `detect --sr-out` and
// `batch --sr-out`.
#ifndef MAMMOCAD_CLI_CAD_REPORT_FILE_H_
#define MAMMOCAD_CLI_CAD_REPORT_FILE_H_

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "mammocad/image.h"
#include "mammocad/status.h"
#include "service/analysis.h"
#include "service/task.h"

namespace mammocad {

// Writes the Mammography CAD SR of `analysis` (MakeCadReport, service/cad_report.h, with the
// image's file bytes `source` and its 1-based `index` in the request) to `path`, whole or not
// at all: into `path` + ".partial", then renamed, so a killed run leaves no torn report.
// Errors: MakeCadReport's; kIoError naming the file.
Status WriteCadReportFile(const ImageAnalysis& analysis, std::string_view source,
                          const DetectionTask& task, const DecodeLimits& limits,
                          std::size_t index, const std::filesystem::path& path);

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_CAD_REPORT_FILE_H_
