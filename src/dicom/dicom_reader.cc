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
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "dicom/dataset_scan.h"
#include "dicom/dicom_attributes.h"
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
using dicom_internal::DecodedJpeg2000;
using dicom_internal::SampleLayout;
using dicom_internal::StoredFrame;
using dicom_internal::TransferSyntaxInfo;
using dicom_internal::VoiFunction;
using dicom_internal::VoiTransform;
using dicom_internal::Window;
using dicom_internal::CodeStringOrEmpty;
using dicom_internal::GetNumber;
using dicom_internal::GetString;
using dicom_internal::GetUnsigned16;
using dicom_internal::IsLinearExposureData;
using dicom_internal::LooksLikeUid;
using dicom_internal::ReadDescriptors;
using dicom_internal::ReadModalityTransform;
using dicom_internal::ReadScale;
using dicom_internal::ReadVoiTransform;

constexpr std::size_t kPreambleSize = 128;

Status Corrupt(const std::string& what) {
  return Status(ErrorCode::kCorruptImage, "DICOM: " + what);
}
Status NotAnImage(const std::string& what) {
  return Status(ErrorCode::kNotAnImage, "DICOM: " + what);
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

// Where the pixels are, for the decoders that take them from the file's bytes themselves
// (native and JPEG 2000: DCMTK then stops before Pixel Data and never copies it).
struct PixelSource {
  std::string inflated;      // a deflated file's dataset, which `dataset` then views
  std::string_view dataset;  // the dataset the scan walked (the offsets below are into it)
  dicom_internal::PixelDataLocation location;
  bool read_by_dcmtk = true;  // DCMTK parsed the Pixel Data (its codecs decode them)
};

// Parses the whole file, or with `stop_at` only the elements before that tag, after the
// bounded scan (dataset_scan.h) accepted it: DCMTK then reads the meta header, and the
// dataset (inflated first when deflated) in the encoding the scan followed, so that it can
// never walk a structure the scan did not see. With `pixels`, files whose syntax we decode
// ourselves are parsed up to their Pixel Data, which `pixels` locates. A non-ok Status is a
// refusal by the scan or by the transfer syntax; `parsed` says whether DCMTK read the file
// without error.
Status ParseBounded(std::string_view bytes, const DecodeLimits& limits, DcmFileFormat* file,
                    bool* parsed, DcmTagKey stop_at = DCM_UndefinedTagKey,
                    PixelSource* pixels = nullptr) {
  dicom_internal::DicomLayout layout;
  if (Status s = dicom_internal::FindDicomLayout(bytes, &layout); !s.ok()) return s;
  const std::string& uid = layout.transfer_syntax_uid;
  TransferSyntaxInfo syntax;
  if (!uid.empty()) {
    if (Status s = CheckTransferSyntax(uid, /*parsed=*/true, &syntax); !s.ok()) return s;
  }
  std::string_view dataset = bytes.substr(layout.meta_end);
  std::string local_inflated;
  std::string& inflated = pixels != nullptr ? pixels->inflated : local_inflated;
  if (uid == dicom_internal::kDeflatedExplicitVrLittleEndianUid) {
    if (Status s = dicom_internal::InflateDicomDataset(dataset, MaxInflatedDicomBytes(limits),
                                                       &inflated);
        !s.ok()) {
      return s;
    }
    dataset = inflated;
  }
  if (Status s = dicom_internal::ScanDicomDataset(dataset, layout.explicit_vr, limits,
                                                  pixels ? &pixels->location : nullptr);
      !s.ok()) {
    return s;
  }
  if (pixels != nullptr) {
    pixels->dataset = dataset;
    pixels->read_by_dcmtk = uid.empty() ? false : syntax.decoder == PixelDecoder::kDcmtkCodec;
    if (!pixels->read_by_dcmtk) stop_at = DCM_PixelData;
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

Status CheckSingleImage(DcmDataset& dataset, DcmMetaInfo& meta, bool has_pixel_data) {
  std::string sop_class = GetString(dataset, DCM_SOPClassUID);
  if (sop_class.empty()) sop_class = GetString(meta, DCM_MediaStorageSOPClassUID);
  if (const std::string kind = DescribeNonImageSopClass(sop_class); !kind.empty()) {
    return NotAnImage("the file is " + kind + ", not an image");
  }
  if (!has_pixel_data) {
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

// Native pixels where they lie: in the file (PixelSource) or, after a DCMTK codec, in DCMTK's
// element. Samples at an odd address (a hostile layout) are copied to `aligned` first.
Status ReadNativeFrame(DcmDataset& dataset, const PixelSource& source, const Geometry& geometry,
                       const SampleLayout& layout, std::vector<Uint16>* aligned,
                       StoredFrame* frame) {
  std::string_view samples;
  if (source.read_by_dcmtk) {
    DcmElement* element = nullptr;
    Uint8* bytes = nullptr;
    if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr ||
        element->getUint8Array(bytes).bad() || bytes == nullptr) {
      return Corrupt("Pixel Data unreadable");
    }
    samples = std::string_view(reinterpret_cast<const char*>(bytes), element->getLength());
  } else {
    if (source.location.encapsulated) return Corrupt("native Pixel Data is encapsulated");
    samples = source.dataset.substr(source.location.offset, source.location.length);
  }
  if (layout.bits_allocated == 16 && reinterpret_cast<std::uintptr_t>(samples.data()) % 2 != 0) {
    aligned->resize(samples.size() / 2);
    std::memcpy(aligned->data(), samples.data(), aligned->size() * 2);
    samples = std::string_view(reinterpret_cast<const char*>(aligned->data()), aligned->size() * 2);
  }
  return dicom_internal::NativeFrame(samples.data(), samples.size(), geometry.rows,
                                     geometry.columns, layout, frame);
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

// JPEG 2000: a single frame is every fragment after the Basic Offset Table: the one fragment
// as it lies in the file, or several joined.
Status ReadJpeg2000Frame(const PixelSource& source, const Geometry& geometry,
                         DecodedJpeg2000* decoded, StoredFrame* frame) {
  const dicom_internal::PixelDataLocation& location = source.location;
  if (!location.encapsulated || !location.terminated || location.fragments.empty()) {
    return Corrupt("JPEG 2000 pixel data is not encapsulated as expected");
  }
  std::string joined;
  std::string_view codestream;
  for (const auto& [offset, length] : location.fragments) {
    const std::string_view fragment = source.dataset.substr(offset, length);
    if (location.fragments.size() == 1) codestream = fragment;
    else joined.append(fragment);
  }
  if (location.fragments.size() > 1) codestream = joined;
  if (Status s = dicom_internal::DecodeJpeg2000(codestream, geometry.rows, geometry.columns,
                                                decoded);
      !s.ok()) {
    return s;
  }
  frame->samples = StoredFrame::Samples::kDecoded32;
  frame->data = decoded->samples;
  frame->size_bytes = std::size_t(geometry.rows) * std::size_t(geometry.columns) * 4;
  frame->rows = geometry.rows;
  frame->columns = geometry.columns;
  return Status::Ok();
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

// What the frame's values are viewed through, kept alive until the grey levels are done.
struct FrameStorage {
  DecodedJpeg2000 jpeg2000;
  std::vector<Uint16> aligned;
};

Status ReadStoredFrame(DcmDataset& dataset, const TransferSyntaxInfo& syntax,
                       const std::string& uid, const PixelSource& source,
                       const Geometry& geometry, SampleLayout* layout, FrameStorage* storage,
                       StoredFrame* frame) {
  if (syntax.decoder == PixelDecoder::kOpenJpeg) {
    if (Status s = ReadSampleLayout(dataset, layout); !s.ok()) return s;
    return ReadJpeg2000Frame(source, geometry, &storage->jpeg2000, frame);
  }
  if (syntax.decoder == PixelDecoder::kDcmtkCodec) {
    if (Status s = DecompressWithDcmtk(dataset, uid); !s.ok()) return s;
  }
  // Read after decompression: the decoder may have updated the pixel module.
  if (Status s = ReadSampleLayout(dataset, layout); !s.ok()) return s;
  return ReadNativeFrame(dataset, source, geometry, *layout, &storage->aligned, frame);
}

Status DecodeParsed(DcmFileFormat& file, bool parsed, const PixelSource& source,
                    const DecodeLimits& limits, Image* out) {
  DcmDataset& dataset = *file.getDataset();
  const std::string uid = TransferSyntaxUidOf(file);
  TransferSyntaxInfo syntax;
  if (Status s = CheckTransferSyntax(uid, parsed, &syntax); !s.ok()) return s;
  if (!parsed) return Corrupt("the file is truncated or damaged");
  const bool has_pixel_data =
      source.read_by_dcmtk ? dataset.tagExists(DCM_PixelData) : source.location.found;
  if (Status s = CheckSingleImage(dataset, *file.getMetaInfo(), has_pixel_data); !s.ok()) {
    return s;
  }
  Geometry geometry;
  if (Status s = ReadGeometry(dataset, limits, &geometry); !s.ok()) return s;
  bool monochrome1 = false;
  if (Status s = ReadPhotometric(dataset, &monochrome1); !s.ok()) return s;

  SampleLayout layout;
  FrameStorage storage;
  StoredFrame stored;
  if (Status s =
          ReadStoredFrame(dataset, syntax, uid, source, geometry, &layout, &storage, &stored);
      !s.ok()) {
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

namespace dicom_internal {

Status ReadDicomHeader(std::string_view bytes, const DecodeLimits& limits, DcmFileFormat* file) {
  if (bytes.empty()) return Status(ErrorCode::kEmptyFile, "DICOM: the file is empty");
  bool parsed = false;
  if (Status s = ParseBounded(bytes, limits, file, &parsed, DCM_PixelData); !s.ok()) return s;
  if (!parsed) return Corrupt("the header cannot be read");
  return Status::Ok();
}

}  // namespace dicom_internal

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
    PixelSource pixels;
    if (Status s = ParseBounded(bytes, limits, &file, &parsed, DCM_UndefinedTagKey, &pixels);
        !s.ok()) {
      return s;
    }
    return DecodeParsed(file, parsed, pixels, limits, out);
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kInternal, "DICOM: out of memory while decoding");
  } catch (const std::exception&) {
    // OpenCV and the standard library may throw; nothing crosses the API as an exception.
    return Status(ErrorCode::kInternal, "DICOM: unexpected failure while decoding");
  }
}

}  // namespace mammocad
