// Mammography CAD SR: the findings on one DICOM image as the DICOM report a reading
// workstation shows (PS3.3 A.35.6, template TID 4000), written with DCMTK's dcmsr.
//
// The report copies the patient and study of its source (Patient module, General Study
// module), starts a new series with a new instance, lists the source in its image library
// and in the Current Requested Procedure Evidence, and holds per cluster an Individual
// Impression/Recommendation with a Calcification Cluster single image finding (certainty of
// finding from the score, algorithm name and version, its box as the SCOORD Outline and its
// centre as the SCOORD Center, both SELECTED FROM the library image) inferred from one
// Individual Calcification finding per member (same content). Lone calcifications
// (FindingKind::kCalcification) get an impression of their own, centred on their box. docs/dicom.md shows the tree.
//
// Coordinates are DICOM image-relative (PS3.3 C.18.6.1.2): (column, row), the top left
// corner of the top left pixel at (0, 0). So a finding's box {x, y, w, h} in the input's
// pixel grid is the closed POLYLINE (x,y) (x+w,y) (x+w,y+h) (x,y+h) (x,y), and a centre at
// pixel (cx, cy) (pixel centres at integers, as the detector reports them) is the POINT
// (cx + 0.5, cy + 0.5). Certainty of Finding is the score × 100, in percent.
//
// Errors: kEmptyFile for no bytes; what the bounded DICOM scan refuses (kCorruptImage,
// kUnsupportedTransferSyntax); kCorruptImage also when the source lacks its SOP Class/Instance,
// Study or Series Instance UID (type 1 attributes, which an SR must reference); kInternal when DCMTK cannot
// build or write the document (a bug). Messages never contain patient data.
// Thread-safety: may be called from many threads at once.
#ifndef MAMMOCAD_DICOM_CAD_SR_H_
#define MAMMOCAD_DICOM_CAD_SR_H_

#include <string>
#include <string_view>
#include <vector>

#include "mammocad/findings.h"
#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad {

// The algorithm the report names (TID 4019 CAD Algorithm Identification).
struct CadAlgorithm {
  std::string name;     // e.g. "mammocad BreastCalcify"
  std::string version;  // e.g. "0.18.0 neural"
};

// `source_dicom`: the bytes of the analysed DICOM image (parsed up to Pixel Data, under
// `limits`); `findings` in that image's pixel grid. On success `sr_bytes` holds a DICOM file
// (Part 10, explicit VR little endian).
Status WriteMammographyCadSr(std::string_view source_dicom, const std::vector<Finding>& findings,
                             const CadAlgorithm& algorithm, const DecodeLimits& limits,
                             std::string* sr_bytes);

// The SOP Class UID of the reports WriteMammographyCadSr writes.
std::string_view MammographyCadSrSopClassUid();

}  // namespace mammocad

#endif  // MAMMOCAD_DICOM_CAD_SR_H_
