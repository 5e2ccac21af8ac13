// The attributes the reader reads besides the pixels: small typed readers, the grey-level
// attributes (Modality LUT, VOI) and the descriptive ones (scale, laterality, view, intent,
// UIDs). Technical attributes only: nothing here reads patient data.
#include "dicom/dicom_attributes.h"

#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace mammocad::dicom_internal {
namespace {

Status Corrupt(const std::string& what) {
  return Status(ErrorCode::kCorruptImage, "DICOM: " + what);
}

std::string Trimmed(std::string text) {
  const auto is_padding = [](unsigned char c) { return c == ' ' || c == '\0'; };
  while (!text.empty() && is_padding(text.back())) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && is_padding(text[start])) ++start;
  return text.substr(start);
}

}  // namespace

// --- Small attribute readers (technical attributes only) ---------------------------------------

std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFString(tag, value).bad()) return "";
  return Trimmed(value.c_str());
}

// Keeps a code string only when it looks like one (upper-case letters, digits, '_', ' '), so
// that a garbled or misused element can never carry free text into our output.
std::string CodeStringOrEmpty(const std::string& text) {
  if (text.size() > 32) return "";
  const bool is_code = std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isupper(c) || std::isdigit(c) || c == '_' || c == ' ';
  });
  return is_code ? text : "";
}

std::optional<double> GetNumber(DcmItem& item, const DcmTagKey& tag, unsigned long index) {
  Float64 value = 0;
  if (item.findAndGetFloat64(tag, value, index).bad() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int> GetUnsigned16(DcmItem& item, const DcmTagKey& tag) {
  Uint16 value = 0;
  if (item.findAndGetUint16(tag, value).bad()) return std::nullopt;
  return int(value);
}

bool LooksLikeUid(const std::string& text) {
  return !text.empty() && text.size() <= 64 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return c == '.' || std::isdigit(c); });
}

// --- Grey-level attributes -----------------------------------------------------------------------

// A LUT Descriptor + LUT Data pair from the first item of `sequence`; nullopt when absent.
// `malformed` is set when the item exists but cannot be used.
static std::optional<LookupTable> ReadLut(DcmDataset& dataset, const DcmTagKey& sequence,
                                   bool signed_input, bool* malformed) {
  DcmItem* item = nullptr;
  if (dataset.findAndGetSequenceItem(sequence, item, 0).bad() || item == nullptr) {
    return std::nullopt;
  }
  Uint16 descriptor[3] = {0, 0, 0};
  for (unsigned long i = 0; i < 3; ++i) {
    if (item->findAndGetUint16(DCM_LUTDescriptor, descriptor[i], i).bad()) {
      *malformed = true;
      return std::nullopt;
    }
  }
  const Uint16* data = nullptr;
  unsigned long count = 0;
  const std::size_t entries = descriptor[0] == 0 ? 65536 : descriptor[0];
  if (item->findAndGetUint16Array(DCM_LUTData, data, &count).bad() || data == nullptr ||
      count < entries || descriptor[2] < 1 || descriptor[2] > 16) {
    *malformed = true;
    return std::nullopt;
  }
  LookupTable lut;
  lut.first_mapped = signed_input ? int(Sint16(descriptor[1])) : int(descriptor[1]);
  lut.data.assign(data, data + entries);
  lut.bits_per_entry = descriptor[2];
  // Some writers declare fewer bits than their LUT Data use (e.g. 8 for 12-bit entries); trust
  // the data then, as DCMTK does, rather than saturating the display.
  const int largest_entry = *std::max_element(lut.data.begin(), lut.data.end());
  while (lut.bits_per_entry < 16 && largest_entry >= (1 << lut.bits_per_entry)) {
    ++lut.bits_per_entry;
  }
  return lut;
}

Status ReadModalityTransform(DcmDataset& dataset, const SampleLayout& layout,
                             ModalityTransform* modality) {
  bool malformed = false;
  modality->lut = ReadLut(dataset, DCM_ModalityLUTSequence, layout.is_signed, &malformed);
  if (malformed) return Corrupt("Modality LUT Sequence (0028,3000) is malformed");
  if (modality->lut) return Status::Ok();
  modality->slope = GetNumber(dataset, DCM_RescaleSlope).value_or(1.0);
  modality->intercept = GetNumber(dataset, DCM_RescaleIntercept).value_or(0.0);
  if (modality->slope == 0.0) return Corrupt("Rescale Slope (0028,1053) is 0");
  return Status::Ok();
}

static VoiFunction ReadVoiFunction(DcmDataset& dataset) {
  const std::string function = GetString(dataset, DCM_VOILUTFunction);
  if (function == "LINEAR_EXACT") return VoiFunction::kLinearExact;
  if (function == "SIGMOID") return VoiFunction::kSigmoid;
  return VoiFunction::kLinear;
}

// The first window (vendors list the default first) and/or the first VOI LUT. A window that
// the standard does not allow (LINEAR needs width >= 1, the others width > 0) is ignored, as is
// a malformed VOI LUT: they only affect `display`.
VoiTransform ReadVoiTransform(DcmDataset& dataset, bool signed_input) {
  VoiTransform voi;
  const std::optional<double> center = GetNumber(dataset, DCM_WindowCenter);
  const std::optional<double> width = GetNumber(dataset, DCM_WindowWidth);
  if (center && width) {
    const Window window{*center, *width, ReadVoiFunction(dataset)};
    const double minimum_width = window.function == VoiFunction::kLinear ? 1.0 : 0.0;
    if (window.width >= minimum_width && window.width > 0.0) voi.window = window;
  }
  bool malformed = false;
  voi.lut = ReadLut(dataset, DCM_VOILUTSequence, signed_input, &malformed);
  return voi;
}

// --- Descriptive attributes ----------------------------------------------------------------------

static std::optional<double> MeanSpacing(DcmDataset& dataset, const DcmTagKey& tag) {
  const std::optional<double> row_spacing = GetNumber(dataset, tag, 0);
  if (!row_spacing) return std::nullopt;
  const double column_spacing = GetNumber(dataset, tag, 1).value_or(*row_spacing);
  const double spacing = (*row_spacing + column_spacing) / 2;    // equal on every mammography unit
  if (!(spacing > 0.0 && spacing <= 10.0)) return std::nullopt;  // not a plausible detector pitch
  return spacing;
}

void ReadScale(DcmDataset& dataset, Image* image) {
  if (const std::optional<double> imager = MeanSpacing(dataset, DCM_ImagerPixelSpacing)) {
    // Imager Pixel Spacing is measured at the detector; the breast is magnified onto it.
    const double magnification =
        GetNumber(dataset, DCM_EstimatedRadiographicMagnificationFactor).value_or(1.0);
    image->file_spacing_mm = magnification > 0.0 ? *imager / magnification : *imager;
    image->file_spacing_source = SpacingSource::kImagerPixelSpacing;
  } else if (const std::optional<double> spacing = MeanSpacing(dataset, DCM_PixelSpacing)) {
    image->file_spacing_mm = *spacing;
    image->file_spacing_source = SpacingSource::kPixelSpacing;
  } else {
    image->file_spacing_mm = 0.0;
    image->file_spacing_source = SpacingSource::kDefault;
  }
}

static std::string ReadPresentationIntent(DcmDataset& dataset) {
  std::string intent = GetString(dataset, DCM_PresentationIntentType);
  if (intent == "FOR PRESENTATION" || intent == "FOR PROCESSING") return intent;
  const std::string sop_class = GetString(dataset, DCM_SOPClassUID);
  if (sop_class == "1.2.840.10008.5.1.4.1.1.1.2") return "FOR PRESENTATION";
  if (sop_class == "1.2.840.10008.5.1.4.1.1.1.2.1") return "FOR PROCESSING";
  return "";
}

// FOR PROCESSING images are raw detector data, linear in exposure unless Pixel Intensity
// Relationship (0028,1040) says LOG (already logarithmic) or DISP (already for display).
bool IsLinearExposureData(DcmDataset& dataset) {
  if (ReadPresentationIntent(dataset) != "FOR PROCESSING") return false;
  const std::string relationship = GetString(dataset, DCM_PixelIntensityRelationship);
  return relationship != "LOG" && relationship != "DISP";
}

void ReadDescriptors(DcmDataset& dataset, const std::string& transfer_syntax, Image* image) {
  std::string laterality = CodeStringOrEmpty(GetString(dataset, DCM_ImageLaterality));
  if (laterality.empty()) laterality = CodeStringOrEmpty(GetString(dataset, DCM_Laterality));
  image->laterality = laterality;
  image->view = CodeStringOrEmpty(GetString(dataset, DCM_ViewPosition));
  image->presentation_intent = ReadPresentationIntent(dataset);
  image->transfer_syntax = transfer_syntax;
  const auto uid_or_empty = [](std::string uid) { return LooksLikeUid(uid) ? uid : ""; };
  image->sop_instance_uid = uid_or_empty(GetString(dataset, DCM_SOPInstanceUID));
  image->study_instance_uid = uid_or_empty(GetString(dataset, DCM_StudyInstanceUID));
}

}  // namespace mammocad::dicom_internal
