// The DICOM output of an analysis: the Mammography CAD SR of one analysed DICOM image
// (dicom/cad_sr.h), naming mammocad's task and version as the algorithm. Shared by the HTTP
// route (`format=sr`), `detect --sr-out` and the DICOM node, so all three write the same report.
// Thread-safety: plain functions.
#ifndef MAMMOCAD_SERVICE_CAD_REPORT_H_
#define MAMMOCAD_SERVICE_CAD_REPORT_H_

#include <string>
#include <string_view>

#include "service/analysis.h"

namespace mammocad {

// The SR for `analysis`, made from `source` (the bytes it was decoded from) under `limits`.
// Errors: kBadParameter when the image is no DICOM (a report references its image by DICOM
// UIDs; the message says which image, by position `index` counted from 1); else as
// WriteMammographyCadSr.
Status MakeCadReport(const ImageAnalysis& analysis, std::string_view source,
                     const DetectionTask& task, const DecodeLimits& limits, std::size_t index,
                     std::string* sr_bytes);

// The media type of a CAD report in an HTTP reply.
inline constexpr const char* kDicomMediaType = "application/dicom";

}  // namespace mammocad

#endif  // MAMMOCAD_SERVICE_CAD_REPORT_H_
