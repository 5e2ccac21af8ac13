// The DICOM attributes the reader reads besides the pixels (dicom_attributes.cc): typed
// readers of single values, the grey-level attributes and the descriptive ones. Technical
// attributes only; code strings and UIDs are kept only when they look like one, so that a
// misused element never carries free text (patient data) into an Image. Internal to
// src/dicom/. Thread-safety: plain functions on the caller's dataset.
#ifndef MAMMOCAD_DICOM_DICOM_ATTRIBUTES_H_
#define MAMMOCAD_DICOM_DICOM_ATTRIBUTES_H_

#include <optional>
#include <string>
#include <string_view>

#include "dicom/grey_levels.h"
#include "mammocad/image.h"
#include "mammocad/status.h"

class DcmDataset;
class DcmFileFormat;
class DcmItem;
class DcmTagKey;

namespace mammocad::dicom_internal {

// The file's meta header and dataset up to Pixel Data into `file`, read as DecodeDicom reads
// them (dicom_reader.cc): after the bounded scan, a deflated dataset inflated under its cap, in
// the syntax the scan followed. For writers that copy a source's attributes (cad_sr.cc).
// Errors: kEmptyFile; the scan's and the transfer syntax's refusals; kCorruptImage when DCMTK
// cannot read the header.
Status ReadDicomHeader(std::string_view bytes, const DecodeLimits& limits, DcmFileFormat* file);

// The value without its padding (spaces, NULs); "" when absent.
std::string GetString(DcmItem& item, const DcmTagKey& tag);
// `text` when it looks like a code string (upper-case letters, digits, '_', ' ', at most 32).
std::string CodeStringOrEmpty(const std::string& text);
// The value (of index `index`) when present and finite.
std::optional<double> GetNumber(DcmItem& item, const DcmTagKey& tag, unsigned long index = 0);
std::optional<int> GetUnsigned16(DcmItem& item, const DcmTagKey& tag);
// Digits and dots, 1 to 64 characters.
bool LooksLikeUid(const std::string& text);

// Modality LUT Sequence, else Rescale Slope/Intercept. kCorruptImage for a malformed LUT or a
// slope of 0.
Status ReadModalityTransform(DcmDataset& dataset, const SampleLayout& layout,
                             ModalityTransform* modality);
// The first window and/or the first VOI LUT; unusable ones are ignored (they only affect
// `display`).
VoiTransform ReadVoiTransform(DcmDataset& dataset, bool signed_input);

// file_spacing_mm and its source (docs/dicom.md, "Scale and descriptors").
void ReadScale(DcmDataset& dataset, Image* image);
// Raw FOR PROCESSING data, linear in exposure (not LOG, not DISP).
bool IsLinearExposureData(DcmDataset& dataset);
// Laterality, view, presentation intent, transfer syntax, SOP and Study Instance UIDs.
void ReadDescriptors(DcmDataset& dataset, const std::string& transfer_syntax, Image* image);

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_DICOM_ATTRIBUTES_H_
