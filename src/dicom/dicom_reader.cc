// The DCMTK bridge for reading: bytes in memory -> DcmFileFormat -> checks -> stored values ->
// grey levels (grey_levels.h) -> Image. Pixel work that DCMTK cannot do (JPEG 2000) is in
// jpeg2000_codec.h. Error messages name tags and technical values only, never patient data.
#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <type_traits>

#include "dicom/dataset_scan.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/grey_levels.h"
#include "dicom/jpeg2000_codec.h"
#include "dicom/transfer_syntax.h"
#include "mammocad/dicom.h"

namespace mammocad {
namespace {

using dicom_internal::GreyLevels;
using dicom_internal::LookupTable;
using dicom_internal::ModalityTransform;
using dicom_internal::PixelDecoder;
using dicom_internal::SampleLayout;
using dicom_internal::TransferSyntaxInfo;
using dicom_internal::VoiFunction;
using dicom_internal::VoiTransform;
using dicom_internal::Window;

constexpr std::size_t kPreambleSize = 128;

Status Corrupt(const std::string& what) {
  return Status(ErrorCode::kCorruptImage, "DICOM: " + what);
}
Status NotAnImage(const std::string& what) {
  return Status(ErrorCode::kNotAnImage, "DICOM: " + what);
}

// --- Small attribute readers (technical attributes only) ---------------------------------------

std::string Trimmed(std::string text) {
  const auto is_padding = [](unsigned char c) { return c == ' ' || c == '\0'; };
  while (!text.empty() && is_padding(text.back())) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && is_padding(text[start])) ++start;
  return text.substr(start);
}

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

std::optional<double> GetNumber(DcmItem& item, const DcmTagKey& tag, unsigned long index = 0) {
  Float64 value = 0;
  if (item.findAndGetFloat64(tag, value, index).bad() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int> GetUnsigned16(DcmItem& item, const DcmTagKey& tag) {
  Uint16 value = 0;
  if (item.findAndGetUint16(tag, value).bad()) return std::nullopt;
  return int(value);
}

// --- Parsing -----------------------------------------------------------------------------------

Status CheckTransferSyntax(const std::string& uid, bool parsed, TransferSyntaxInfo* info);

// DCMTK reads exactly `bytes`, with `xfer` (EXS_Unknown: the meta header with its preamble).
template <typename Object>
OFCondition ReadWithDcmtk(std::string_view bytes, E_TransferSyntax xfer, Object* object,
                          const DcmTagKey& stop_at = DCM_UndefinedTagKey) {
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  stream.setEos();  // the whole file is in the buffer: running out of bytes means truncation
  object->transferInit();
  OFCondition condition;
  if constexpr (std::is_same_v<Object, DcmDataset>) {
    condition = object->readUntilTag(stream, xfer, EGL_noChange, DCM_MaxReadLength, stop_at);
  } else {
    condition = object->read(stream, xfer, EGL_noChange, DCM_MaxReadLength);
  }
  object->transferEnd();
  return condition;
}

// Parses the whole file, or with `stop_at` only the elements before that tag, after the
// bounded scan (dataset_scan.h) accepted it: DCMTK then reads the meta header, and the
// dataset (inflated first when deflated) in the encoding the scan followed, so that it can
// never walk a structure the scan did not see. A non-ok Status is a refusal by the scan or
// by the transfer syntax; `parsed` says whether DCMTK read the file without error.
Status ParseBounded(std::string_view bytes, const DecodeLimits& limits, DcmFileFormat* file,
                    bool* parsed, const DcmTagKey& stop_at = DCM_UndefinedTagKey) {
  dicom_internal::DicomLayout layout;
  if (Status s = dicom_internal::FindDicomLayout(bytes, &layout); !s.ok()) return s;
  const std::string& uid = layout.transfer_syntax_uid;
  TransferSyntaxInfo syntax;
  if (!uid.empty()) {
    if (Status s = CheckTransferSyntax(uid, /*parsed=*/true, &syntax); !s.ok()) return s;
  }
  std::string_view dataset = bytes.substr(layout.meta_end);
  std::string inflated;
  if (uid == dicom_internal::kDeflatedExplicitVrLittleEndianUid) {
    if (Status s = dicom_internal::InflateDicomDataset(dataset, MaxInflatedDicomBytes(limits),
                                                       &inflated);
        !s.ok()) {
      return s;
    }
    dataset = inflated;
  }
  if (Status s = dicom_internal::ScanDicomDataset(dataset, layout.explicit_vr, limits); !s.ok()) {
    return s;
  }
  *parsed = true;
  if (layout.meta_end > 0) {
    *parsed = ReadWithDcmtk(bytes.substr(0, layout.meta_end), EXS_Unknown, file->getMetaInfo())
                  .good();
  }
  // The stated syntax (it decides how DCMTK reads encapsulated pixel data); deflate is undone.
  E_TransferSyntax xfer = layout.explicit_vr ? EXS_LittleEndianExplicit : EXS_LittleEndianImplicit;
  if (!uid.empty() && uid != dicom_internal::kDeflatedExplicitVrLittleEndianUid) {
    xfer = DcmXfer(uid.c_str()).getXfer();
  }
  *parsed = ReadWithDcmtk(dataset, xfer, file->getDataset(), stop_at).good() && *parsed;
  return Status::Ok();
}

// The meta header's Transfer Syntax UID; for files without one, the syntax DCMTK detected.
std::string TransferSyntaxUidOf(DcmFileFormat& file) {
  std::string uid = GetString(*file.getMetaInfo(), DCM_TransferSyntaxUID);
  if (!uid.empty()) return uid;
  const DcmXfer detected(file.getDataset()->getOriginalXfer());
  return detected.getXfer() == EXS_Unknown ? "" : detected.getXferID();
}

bool LooksLikeUid(const std::string& text) {
  return !text.empty() && text.size() <= 64 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return c == '.' || std::isdigit(c); });
}

// --- What kind of object is it? -----------------------------------------------------------------

std::string DescribeNonImageSopClass(const std::string& sop_class_uid) {
  const auto starts_with = [&](std::string_view prefix) {
    return sop_class_uid.rfind(prefix, 0) == 0;
  };
  if (starts_with("1.2.840.10008.5.1.4.1.1.88.")) return "a structured report (SR)";
  if (starts_with("1.2.840.10008.5.1.4.1.1.11.")) return "a presentation state";
  if (starts_with("1.2.840.10008.5.1.4.1.1.104.")) return "an encapsulated document";
  if (starts_with("1.2.840.10008.5.1.4.1.1.481.")) return "a radiotherapy object";
  return "";
}

Status CheckSingleImage(DcmDataset& dataset, DcmMetaInfo& meta) {
  std::string sop_class = GetString(dataset, DCM_SOPClassUID);
  if (sop_class.empty()) sop_class = GetString(meta, DCM_MediaStorageSOPClassUID);
  if (const std::string kind = DescribeNonImageSopClass(sop_class); !kind.empty()) {
    return NotAnImage("the file is " + kind + ", not an image");
  }
  if (!dataset.tagExists(DCM_PixelData)) {
    return NotAnImage("the file holds no Pixel Data (7FE0,0010), so it is not an image");
  }
  Sint32 frames = 1;
  if (dataset.findAndGetSint32(DCM_NumberOfFrames, frames).good() && frames > 1) {
    return NotAnImage("multi-frame image (" + std::to_string(frames) +
                      " frames, e.g. breast tomosynthesis) is not supported; send one 2D image");
  }
  return Status::Ok();
}

struct Geometry {
  int rows = 0;
  int columns = 0;
};

Status ReadGeometry(DcmDataset& dataset, const DecodeLimits& limits, Geometry* geometry) {
  const std::optional<int> rows = GetUnsigned16(dataset, DCM_Rows);
  const std::optional<int> columns = GetUnsigned16(dataset, DCM_Columns);
  if (!rows || !columns || *rows == 0 || *columns == 0) {
    return Corrupt("Rows (0028,0010) or Columns (0028,0011) missing or zero");
  }
  const std::int64_t pixels = std::int64_t(*rows) * *columns;
  if (pixels > limits.max_pixels) {
    return Status(ErrorCode::kTooManyPixels,
                  "DICOM image is " + std::to_string(*columns) + "x" + std::to_string(*rows) +
                      " = " + std::to_string(pixels) + " pixels, over the limit of " +
                      std::to_string(limits.max_pixels));
  }
  geometry->rows = *rows;
  geometry->columns = *columns;
  return Status::Ok();
}

// Greyscale only: a mammogram is MONOCHROME1/2 with one sample per pixel.
Status ReadPhotometric(DcmDataset& dataset, bool* monochrome1) {
  const std::optional<int> samples = GetUnsigned16(dataset, DCM_SamplesPerPixel);
  const std::string photometric = GetString(dataset, DCM_PhotometricInterpretation);
  if ((samples && *samples != 1) ||
      (photometric != "MONOCHROME1" && photometric != "MONOCHROME2")) {
    const std::string shown = CodeStringOrEmpty(photometric);
    return Status(ErrorCode::kUnsupportedFormat,
                  "DICOM: only greyscale images (MONOCHROME1/MONOCHROME2, one sample per pixel) "
                  "are supported; this one is '" +
                      (shown.empty() ? "?" : shown) + "'");
  }
  *monochrome1 = photometric == "MONOCHROME1";
  return Status::Ok();
}

Status ReadSampleLayout(DcmDataset& dataset, SampleLayout* layout) {
  const std::optional<int> allocated = GetUnsigned16(dataset, DCM_BitsAllocated);
  const std::optional<int> stored = GetUnsigned16(dataset, DCM_BitsStored);
  const std::optional<int> high_bit = GetUnsigned16(dataset, DCM_HighBit);
  const std::optional<int> representation = GetUnsigned16(dataset, DCM_PixelRepresentation);
  if (!allocated || !stored) return Corrupt("Bits Allocated/Bits Stored missing");
  if (*allocated != 8 && *allocated != 16) {
    return Status(
        ErrorCode::kUnsupportedFormat,
        "DICOM: Bits Allocated " + std::to_string(*allocated) + " is not supported (8 or 16)");
  }
  layout->bits_allocated = *allocated;
  layout->bits_stored = *stored;
  layout->high_bit = high_bit.value_or(*stored - 1);
  layout->is_signed = representation.value_or(0) == 1;
  if (layout->bits_stored < 1 || layout->bits_stored > layout->bits_allocated ||
      layout->high_bit < layout->bits_stored - 1 || layout->high_bit >= layout->bits_allocated) {
    return Corrupt("Bits Stored/High Bit do not fit Bits Allocated");
  }
  return Status::Ok();
}

// --- Pixel data ----------------------------------------------------------------------------------

Status ReadNativeFrame(DcmDataset& dataset, const Geometry& geometry, const SampleLayout& layout,
                       cv::Mat* stored) {
  DcmElement* element = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
    return Corrupt("Pixel Data unreadable");
  }
  const void* data = nullptr;
  OFCondition condition;
  if (layout.bits_allocated == 8) {
    Uint8* bytes = nullptr;
    condition = element->getUint8Array(bytes);
    data = bytes;
  } else {
    Uint16* words = nullptr;
    condition = element->getUint16Array(words);
    data = words;
  }
  if (condition.bad() || data == nullptr) return Corrupt("Pixel Data unreadable");
  return dicom_internal::UnpackNativeSamples(data, element->getLength(), geometry.rows,
                                             geometry.columns, layout, stored);
}

// The encapsulated fragments of the Pixel Data (item 0 is the Basic Offset Table); null when
// the pixel data are not encapsulated as expected.
DcmPixelSequence* Fragments(DcmDataset& dataset, const std::string& uid) {
  DcmElement* element = nullptr;
  DcmPixelSequence* fragments = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr ||
      element->ident() != EVR_PixelData ||
      static_cast<DcmPixelData*>(element)
          ->getEncapsulatedRepresentation(DcmXfer(uid.c_str()).getXfer(), nullptr, fragments)
          .bad() ||
      fragments == nullptr || fragments->card() < 2) {
    return nullptr;
  }
  return fragments;
}

// RLE, JPEG and JPEG-LS: DCMTK's decoders turn the dataset's pixel data into native form,
// once the first fragment's JPEG markers are known not to hang DCMTK (dataset_scan.h).
Status DecompressWithDcmtk(DcmDataset& dataset, const std::string& uid) {
  DcmPixelItem* first = nullptr;
  Uint8* bytes = nullptr;
  if (DcmPixelSequence* fragments = Fragments(dataset, uid);
      fragments != nullptr && fragments->getItem(first, 1).good() && first != nullptr &&
      first->getLength() > 0 && first->getUint8Array(bytes).good() && bytes != nullptr) {
    const std::string_view fragment(reinterpret_cast<const char*>(bytes), first->getLength());
    if (Status s = dicom_internal::CheckJpegMarkersBeforeFrame(fragment); !s.ok()) return s;
  }
  const OFCondition condition = dataset.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (condition.bad() || !dataset.canWriteXfer(EXS_LittleEndianExplicit)) {
    return Corrupt(std::string("compressed pixel data could not be decoded (") + condition.text() +
                   ")");
  }
  return Status::Ok();
}

// JPEG 2000: DCMTK only gives us the fragments; a single frame is all fragments after the
// Basic Offset Table, joined.
Status ReadJpeg2000Frame(DcmDataset& dataset, const std::string& uid, const Geometry& geometry,
                         cv::Mat* stored) {
  DcmPixelSequence* fragments = Fragments(dataset, uid);
  if (fragments == nullptr) return Corrupt("JPEG 2000 pixel data is not encapsulated as expected");
  std::string codestream;
  for (unsigned long i = 1; i < fragments->card(); ++i) {
    DcmPixelItem* fragment = nullptr;
    Uint8* bytes = nullptr;
    if (fragments->getItem(fragment, i).bad() || fragment == nullptr) {
      return Corrupt("JPEG 2000 fragment unreadable");
    }
    if (fragment->getLength() == 0) continue;
    if (fragment->getUint8Array(bytes).bad() || bytes == nullptr) {
      return Corrupt("JPEG 2000 fragment unreadable");
    }
    codestream.append(reinterpret_cast<const char*>(bytes), fragment->getLength());
  }
  return dicom_internal::DecodeJpeg2000(codestream, geometry.rows, geometry.columns, stored);
}

// --- Grey-level attributes -----------------------------------------------------------------------

// A LUT Descriptor + LUT Data pair from the first item of `sequence`; nullopt when absent.
// `malformed` is set when the item exists but cannot be used.
std::optional<LookupTable> ReadLut(DcmDataset& dataset, const DcmTagKey& sequence,
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

VoiFunction ReadVoiFunction(DcmDataset& dataset) {
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

std::optional<double> MeanSpacing(DcmDataset& dataset, const DcmTagKey& tag) {
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

std::string ReadPresentationIntent(DcmDataset& dataset) {
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

// --- The decoder ---------------------------------------------------------------------------------

Status CheckTransferSyntax(const std::string& uid, bool parsed, TransferSyntaxInfo* info) {
  *info = dicom_internal::LookUpTransferSyntax(uid);
  if (info->decoder != PixelDecoder::kUnsupported) return Status::Ok();
  // An unknown string in a header that did not even parse is damage, not a syntax.
  if (!parsed && !LooksLikeUid(uid)) return Corrupt("unreadable header");
  return Status(
      ErrorCode::kUnsupportedTransferSyntax,
      "DICOM transfer syntax " + dicom_internal::DescribeTransferSyntax(uid) + " is not supported");
}

Status ReadStoredFrame(DcmDataset& dataset, const TransferSyntaxInfo& syntax,
                       const std::string& uid, const Geometry& geometry, SampleLayout* layout,
                       cv::Mat* stored) {
  if (syntax.decoder == PixelDecoder::kOpenJpeg) {
    if (Status s = ReadSampleLayout(dataset, layout); !s.ok()) return s;
    return ReadJpeg2000Frame(dataset, uid, geometry, stored);
  }
  if (syntax.decoder == PixelDecoder::kDcmtkCodec) {
    if (Status s = DecompressWithDcmtk(dataset, uid); !s.ok()) return s;
  }
  // Read after decompression: the decoder may have updated the pixel module.
  if (Status s = ReadSampleLayout(dataset, layout); !s.ok()) return s;
  return ReadNativeFrame(dataset, geometry, *layout, stored);
}

Status DecodeParsed(DcmFileFormat& file, bool parsed, const DecodeLimits& limits, Image* out) {
  DcmDataset& dataset = *file.getDataset();
  const std::string uid = TransferSyntaxUidOf(file);
  TransferSyntaxInfo syntax;
  if (Status s = CheckTransferSyntax(uid, parsed, &syntax); !s.ok()) return s;
  if (!parsed) return Corrupt("the file is truncated or damaged");
  if (Status s = CheckSingleImage(dataset, *file.getMetaInfo()); !s.ok()) return s;
  Geometry geometry;
  if (Status s = ReadGeometry(dataset, limits, &geometry); !s.ok()) return s;
  bool monochrome1 = false;
  if (Status s = ReadPhotometric(dataset, &monochrome1); !s.ok()) return s;

  SampleLayout layout;
  cv::Mat stored;
  if (Status s = ReadStoredFrame(dataset, syntax, uid, geometry, &layout, &stored); !s.ok()) {
    return s;
  }
  ModalityTransform modality;
  if (Status s = ReadModalityTransform(dataset, layout, &modality); !s.ok()) return s;
  const VoiTransform voi = ReadVoiTransform(dataset, layout.is_signed);
  GreyLevels grey;
  if (Status s = dicom_internal::ApplyGreyLevels(stored, layout, modality, voi, monochrome1,
                                                 IsLinearExposureData(dataset), &grey);
      !s.ok()) {
    return s;
  }

  Image image;
  image.pixels = std::move(grey.pixels);
  image.bits_stored = grey.bits_stored;
  image.display = std::move(grey.display);
  image.format = "dicom";
  image.lossy = syntax.lossy;
  ReadScale(dataset, &image);
  ReadDescriptors(dataset, std::string(syntax.uid), &image);
  *out = std::move(image);
  return Status::Ok();
}

// A plausible first element of a dataset without preamble: group 0x0002 (meta) or 0x0008
// (identifying), a low element number, and either an explicit VR or a sane implicit length.
bool LooksLikeBareDataset(std::string_view bytes) {
  if (bytes.size() < 8) return false;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned group = byte(0) | (byte(1) << 8);
  const unsigned element = byte(2) | (byte(3) << 8);
  if ((group != 0x0002 && group != 0x0008) || element > 0x0100) return false;
  const bool explicit_vr = std::isupper(byte(4)) && std::isupper(byte(5));
  const std::uint32_t implicit_length =
      byte(4) | (byte(5) << 8) | (byte(6) << 16) | (std::uint32_t(byte(7)) << 24);
  return explicit_vr || implicit_length <= bytes.size();
}

}  // namespace

bool LooksLikeDicom(std::string_view bytes) {
  if (bytes.size() >= kPreambleSize + 4 && bytes.substr(kPreambleSize, 4) == "DICM") return true;
  return LooksLikeBareDataset(bytes);
}

bool PeekDicomDimensions(std::string_view bytes, int* width, int* height) {
  if (width == nullptr || height == nullptr || bytes.empty()) return false;
  try {
    dicom_internal::EnsureDcmtkDecoders();
    DcmFileFormat file;
    bool parsed = false;
    if (!ParseBounded(bytes, DecodeLimits(), &file, &parsed, DCM_PixelData).ok() || !parsed) {
      return false;
    }
    const std::optional<int> rows = GetUnsigned16(*file.getDataset(), DCM_Rows);
    const std::optional<int> columns = GetUnsigned16(*file.getDataset(), DCM_Columns);
    if (!rows || !columns || *rows <= 0 || *columns <= 0) return false;  // a size, or none
    *width = *columns;
    *height = *rows;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

Status DecodeDicom(std::string_view bytes, const DecodeLimits& limits, Image* out) {
  if (out == nullptr) return Status(ErrorCode::kInternal, "DecodeDicom: no output image");
  if (bytes.empty()) return Status(ErrorCode::kEmptyFile, "DICOM: the file is empty");
  try {
    dicom_internal::EnsureDcmtkDecoders();
    DcmFileFormat file;
    bool parsed = false;
    if (Status s = ParseBounded(bytes, limits, &file, &parsed); !s.ok()) return s;
    return DecodeParsed(file, parsed, limits, out);
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kInternal, "DICOM: out of memory while decoding");
  } catch (const std::exception&) {
    // OpenCV and the standard library may throw; nothing crosses the API as an exception.
    return Status(ErrorCode::kInternal, "DICOM: unexpected failure while decoding");
  }
}

}  // namespace mammocad
