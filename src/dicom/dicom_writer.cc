// The DCMTK bridge for writing test fixtures (see mammocad/dicom_writer.h).
#include "dicom/dicom_writer.h"

#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <type_traits>

#include "dicom/dcmtk_setup.h"
#include "dicom/jpeg2000_codec.h"
#include "dicom/transfer_syntax.h"

namespace mammocad {
namespace {

using Syntax = DicomTransferSyntax;

constexpr char kMammographyForPresentation[] = "1.2.840.10008.5.1.4.1.1.1.2";
constexpr char kMammographyForProcessing[] = "1.2.840.10008.5.1.4.1.1.1.2.1";
constexpr char kBasicTextSr[] = "1.2.840.10008.5.1.4.1.1.88.11";
constexpr char kGrayscalePresentationState[] = "1.2.840.10008.5.1.4.1.1.11.1";

Status Fail(const std::string& what) {
  return Status(ErrorCode::kInternal, "DICOM writer: " + what);
}
Status BadParameter(const std::string& what) {
  return Status(ErrorCode::kBadParameter, "DICOM writer: " + what);
}

E_TransferSyntax DcmtkSyntax(Syntax syntax) {
  return DcmXfer(TransferSyntaxUid(syntax).data()).getXfer();
}

std::string NewUid() {
  char buffer[100];
  return dcmGenerateUniqueIdentifier(buffer, SITE_INSTANCE_UID_ROOT);
}

std::string DecimalString(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

OFCondition PutString(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
  return item.putAndInsertString(tag, value.c_str());
}

void PutIdentity(DcmDataset& dataset, const std::string& sop_class, const std::string& modality,
                 const DicomWriteOptions& options) {
  PutString(dataset, DCM_SOPClassUID, sop_class);
  PutString(dataset, DCM_SOPInstanceUID, NewUid());
  PutString(dataset, DCM_StudyInstanceUID, NewUid());
  PutString(dataset, DCM_SeriesInstanceUID, NewUid());
  PutString(dataset, DCM_Modality, modality);
  PutString(dataset, DCM_PatientName, options.patient_name);
  PutString(dataset, DCM_PatientID, options.patient_id);
  PutString(dataset, DCM_PatientBirthDate, options.study_date);
  PutString(dataset, DCM_StudyDate, options.study_date);
  PutString(dataset, DCM_ContentDate, options.study_date);
}

void PutLutItem(DcmDataset& dataset, const DcmTagKey& sequence, const DicomLut& lut) {
  DcmItem* item = nullptr;
  if (dataset.findOrCreateSequenceItem(sequence, item, 0).bad() || item == nullptr) return;
  const Uint16 entries = lut.data.size() >= 65536 ? 0 : Uint16(lut.data.size());
  const Uint16 descriptor[3] = {entries, Uint16(lut.first_mapped), Uint16(lut.bits_per_entry)};
  item->putAndInsertUint16Array(DCM_LUTDescriptor, descriptor, 3);
  item->putAndInsertUint16Array(DCM_LUTData, lut.data.data(), lut.data.size());
  if (sequence == DCM_ModalityLUTSequence) PutString(*item, DCM_ModalityLUTType, "US");
}

void PutSpacingPair(DcmDataset& dataset, const DcmTagKey& tag, double spacing) {
  if (spacing > 0.0)
    PutString(dataset, tag, DecimalString(spacing) + "\\" + DecimalString(spacing));
}

void PutGreyLevelAttributes(DcmDataset& dataset, const DicomWriteOptions& options) {
  if (options.rescale_slope || options.rescale_intercept) {
    PutString(dataset, DCM_RescaleSlope, DecimalString(options.rescale_slope.value_or(1.0)));
    PutString(dataset, DCM_RescaleIntercept,
              DecimalString(options.rescale_intercept.value_or(0.0)));
    PutString(dataset, DCM_RescaleType, "US");
  }
  if (options.modality_lut) PutLutItem(dataset, DCM_ModalityLUTSequence, *options.modality_lut);
  if (options.window) {
    PutString(dataset, DCM_WindowCenter, DecimalString(options.window->center));
    PutString(dataset, DCM_WindowWidth, DecimalString(options.window->width));
    if (!options.window->function.empty()) {
      PutString(dataset, DCM_VOILUTFunction, options.window->function);
    }
  }
  if (options.voi_lut) PutLutItem(dataset, DCM_VOILUTSequence, *options.voi_lut);
}

void PutImageAttributes(DcmDataset& dataset, const cv::Mat& pixels, int bits_stored,
                        const DicomWriteOptions& options) {
  PutIdentity(dataset,
              options.for_processing ? kMammographyForProcessing : kMammographyForPresentation,
              "MG", options);
  PutString(dataset, DCM_ImageType, "ORIGINAL\\PRIMARY");
  PutString(dataset, DCM_PresentationIntentType,
            options.for_processing ? "FOR PROCESSING" : "FOR PRESENTATION");
  dataset.putAndInsertUint16(DCM_Rows, Uint16(pixels.rows));
  dataset.putAndInsertUint16(DCM_Columns, Uint16(pixels.cols));
  dataset.putAndInsertUint16(DCM_SamplesPerPixel, 1);
  PutString(dataset, DCM_PhotometricInterpretation,
            options.monochrome1 ? "MONOCHROME1" : "MONOCHROME2");
  const int bits_allocated = pixels.depth() == CV_8U ? 8 : 16;
  dataset.putAndInsertUint16(DCM_BitsAllocated, Uint16(bits_allocated));
  dataset.putAndInsertUint16(DCM_BitsStored, Uint16(bits_stored));
  dataset.putAndInsertUint16(DCM_HighBit, Uint16(bits_stored - 1));
  dataset.putAndInsertUint16(DCM_PixelRepresentation, 0);
  if (options.number_of_frames > 1) {
    PutString(dataset, DCM_NumberOfFrames, std::to_string(options.number_of_frames));
  }
  PutSpacingPair(dataset, DCM_PixelSpacing, options.pixel_spacing_mm);
  PutSpacingPair(dataset, DCM_ImagerPixelSpacing, options.imager_pixel_spacing_mm);
  if (options.magnification_factor > 0.0) {
    PutString(dataset, DCM_EstimatedRadiographicMagnificationFactor,
              DecimalString(options.magnification_factor));
  }
  if (!options.pixel_intensity_relationship.empty()) {
    PutString(dataset, DCM_PixelIntensityRelationship, options.pixel_intensity_relationship);
  }
  if (!options.laterality.empty()) PutString(dataset, DCM_ImageLaterality, options.laterality);
  if (!options.series_laterality.empty())
    PutString(dataset, DCM_Laterality, options.series_laterality);
  if (!options.view.empty()) PutString(dataset, DCM_ViewPosition, options.view);
  PutGreyLevelAttributes(dataset, options);
}

Status PutNativePixels(DcmDataset& dataset, const cv::Mat& pixels, int frames) {
  const cv::Mat continuous = pixels.isContinuous() ? pixels : pixels.clone();
  const std::size_t samples = continuous.total();
  if (continuous.depth() == CV_8U) {
    std::vector<Uint8> data(samples * frames);
    for (int f = 0; f < frames; ++f)
      std::copy_n(continuous.ptr<Uint8>(), samples, data.begin() + f * samples);
    if (dataset.putAndInsertUint8Array(DCM_PixelData, data.data(), data.size()).bad()) {
      return Fail("could not store Pixel Data");
    }
  } else {
    std::vector<Uint16> data(samples * frames);
    for (int f = 0; f < frames; ++f)
      std::copy_n(continuous.ptr<Uint16>(), samples, data.begin() + f * samples);
    if (dataset.putAndInsertUint16Array(DCM_PixelData, data.data(), data.size()).bad()) {
      return Fail("could not store Pixel Data");
    }
  }
  return Status::Ok();
}

// RLE, JPEG, JPEG-LS: DCMTK's encoders convert the native pixel data in place.
Status CompressWithDcmtk(DcmDataset& dataset, Syntax syntax, const DicomWriteOptions& options) {
  dicom_internal::EnsureDcmtkEncoders();
  std::unique_ptr<DcmRepresentationParameter> parameter;
  switch (syntax) {
    case Syntax::kJpegBaseline:
      parameter = std::make_unique<DJ_RPLossy>(options.jpeg_quality);
      break;
    case Syntax::kJpegExtended:
      parameter = std::make_unique<DJ_RPLossy>(options.jpeg_quality);
      break;
    case Syntax::kJpegLosslessSv1:
      parameter = std::make_unique<DJ_RPLossless>(1, 0);
      break;
    case Syntax::kJpegLossless:
      parameter = std::make_unique<DJ_RPLossless>(7, 0);
      break;
    case Syntax::kJpegLsLossless:
      parameter = std::make_unique<DJLSRepresentationParameter>(0, OFTrue);
      break;
    case Syntax::kJpegLsNearLossless:
      parameter =
          std::make_unique<DJLSRepresentationParameter>(Uint16(options.jpegls_max_error), OFFalse);
      break;
    default:
      break;  // RLE needs no parameter
  }
  const E_TransferSyntax target = DcmtkSyntax(syntax);
  const OFCondition condition = dataset.chooseRepresentation(target, parameter.get());
  if (condition.bad() || !dataset.canWriteXfer(target)) {
    return Fail(std::string("DCMTK could not encode ") + std::string(TransferSyntaxLabel(syntax)) +
                " (" + condition.text() + ")");
  }
  return Status::Ok();
}

// JPEG 2000: one OpenJPEG codestream per frame, encapsulated after an empty offset table.
Status PutJpeg2000Pixels(DcmDataset& dataset, Syntax syntax, const cv::Mat& pixels, int bits_stored,
                         const DicomWriteOptions& options) {
  const bool lossless = syntax == Syntax::kJpeg2000Lossless;
  std::string codestream;
  if (Status s = dicom_internal::EncodeJpeg2000(pixels, bits_stored, lossless,
                                                options.jpeg2000_ratio, &codestream);
      !s.ok()) {
    return s;
  }
  if (codestream.size() % 2 != 0) codestream.push_back('\0');  // fragments have even length
  auto* fragments = new DcmPixelSequence(DcmTag(DCM_PixelSequenceTag));
  fragments->insert(new DcmPixelItem(DcmTag(DCM_Item, EVR_OB)));  // empty Basic Offset Table
  // Fragments of one frame may be split anywhere (PS3.5 A.4); readers must join them.
  const std::size_t fragment_bytes = options.jpeg2000_fragment_bytes > 0
                                         ? (options.jpeg2000_fragment_bytes + 1) / 2 * 2
                                         : codestream.size();
  for (int f = 0; f < options.number_of_frames; ++f) {
    for (std::size_t start = 0; start < codestream.size(); start += fragment_bytes) {
      const std::size_t length = std::min(fragment_bytes, codestream.size() - start);
      auto* fragment = new DcmPixelItem(DcmTag(DCM_Item, EVR_OB));
      fragment->putUint8Array(reinterpret_cast<const Uint8*>(codestream.data() + start), length);
      fragments->insert(fragment);
    }
  }
  auto* pixel_data = new DcmPixelData(DCM_PixelData);
  pixel_data->putOriginalRepresentation(DcmtkSyntax(syntax), nullptr, fragments);
  if (dataset.insert(pixel_data, OFTrue).bad()) return Fail("could not store Pixel Data");
  if (!lossless) {
    PutString(dataset, DCM_LossyImageCompression, "01");
    PutString(dataset, DCM_LossyImageCompressionMethod, "ISO_15444_1");
  }
  return Status::Ok();
}

// Serialises through a fixed buffer that is drained whenever DCMTK reports it full.
// `mode` (files only): EWM_createNewMeta rebuilds the meta header from the dataset; a DICOMDIR,
// whose dataset has no SOP class, keeps its own with EWM_fileformat.
template <typename Object>
Status SerialiseToMemory(Object& object, E_TransferSyntax syntax, std::string* bytes,
                         E_FileWriteMode mode = EWM_createNewMeta) {
  std::vector<char> buffer(1 << 20);
  DcmOutputBufferStream stream(buffer.data(), static_cast<offile_off_t>(buffer.size()));
  bytes->clear();
  const auto drain = [&] {
    void* chunk = nullptr;
    offile_off_t length = 0;
    stream.flushBuffer(chunk, length);
    bytes->append(static_cast<const char*>(chunk), static_cast<std::size_t>(length));
  };
  object.transferInit();
  OFCondition condition;
  do {
    if constexpr (std::is_same_v<Object, DcmFileFormat>) {
      condition = object.write(stream, syntax, EET_ExplicitLength, nullptr, EGL_recalcGL,
                               EPD_noChange, 0, 0, 0, mode);
    } else {
      condition = object.write(stream, syntax, EET_ExplicitLength, nullptr);
    }
    drain();
  } while (condition == EC_StreamNotifyClient);
  // A deflate filter may still hold compressed bytes.
  for (int round = 0; round < 1000 && condition.good() && !stream.isFlushed(); ++round) {
    stream.flush();
    drain();
  }
  object.transferEnd();
  if (condition.bad()) return Fail(std::string("serialisation failed (") + condition.text() + ")");
  return Status::Ok();
}

Status Serialise(DcmFileFormat& file, Syntax syntax, bool with_meta_header, std::string* bytes) {
  const E_TransferSyntax target = DcmtkSyntax(syntax);
  if (with_meta_header) return SerialiseToMemory(file, target, bytes);
  return SerialiseToMemory(*file.getDataset(), target, bytes);
}

bool IsEncapsulatedByDcmtk(Syntax syntax) {
  switch (syntax) {
    case Syntax::kRleLossless:
    case Syntax::kJpegBaseline:
    case Syntax::kJpegExtended:
    case Syntax::kJpegLossless:
    case Syntax::kJpegLosslessSv1:
    case Syntax::kJpegLsLossless:
    case Syntax::kJpegLsNearLossless:
      return true;
    default:
      return false;
  }
}

// The syntax's row in the transfer-syntax table (dicom/transfer_syntax.cc), the one place
// that knows UIDs, labels and limits; null only for a value outside the enum.
const dicom_internal::TransferSyntaxInfo* RowOf(Syntax syntax) {
  return dicom_internal::FindWritableTransferSyntax(syntax);
}

}  // namespace

// The fallbacks below (a value outside the enum) are what the former switches returned.
const std::vector<DicomTransferSyntax>& ReadableTransferSyntaxes() {
  static const std::vector<DicomTransferSyntax> syntaxes = [] {
    std::vector<DicomTransferSyntax> readable;
    for (const dicom_internal::TransferSyntaxInfo& info : dicom_internal::TransferSyntaxes()) {
      if (info.writer && info.decoder != dicom_internal::PixelDecoder::kUnsupported)
        readable.push_back(info.writer->syntax);
    }
    return readable;
  }();
  return syntaxes;
}

std::string_view TransferSyntaxUid(DicomTransferSyntax syntax) {
  const dicom_internal::TransferSyntaxInfo* info = RowOf(syntax);
  return info ? info->uid : "";
}

std::string_view TransferSyntaxLabel(DicomTransferSyntax syntax) {
  const dicom_internal::TransferSyntaxInfo* info = RowOf(syntax);
  return info ? info->writer->label : "";
}

bool IsLossless(DicomTransferSyntax syntax) {
  const dicom_internal::TransferSyntaxInfo* info = RowOf(syntax);
  return info ? !info->lossy : true;
}

int MaxBitsStored(DicomTransferSyntax syntax) {
  const dicom_internal::TransferSyntaxInfo* info = RowOf(syntax);
  return info ? info->writer->max_bits_stored : 16;
}

Status WriteDicom(const cv::Mat& pixels, const DicomWriteOptions& options, std::string* bytes) {
  if (bytes == nullptr || pixels.empty() ||
      (pixels.type() != CV_8UC1 && pixels.type() != CV_16UC1) || pixels.rows > 65535 ||
      pixels.cols > 65535) {
    return BadParameter("pixels must be a non-empty CV_8UC1 or CV_16UC1 image");
  }
  const int bits_allocated = pixels.depth() == CV_8U ? 8 : 16;
  const int bits_stored = options.bits_stored == 0 ? bits_allocated : options.bits_stored;
  if (bits_stored < 1 || bits_stored > bits_allocated || options.number_of_frames < 1) {
    return BadParameter("bits_stored or number_of_frames out of range");
  }
  if (bits_stored > MaxBitsStored(options.transfer_syntax)) {
    return BadParameter(std::string(TransferSyntaxLabel(options.transfer_syntax)) +
                        " carries at most " +
                        std::to_string(MaxBitsStored(options.transfer_syntax)) + " bits");
  }
  const Syntax syntax = options.transfer_syntax;
  try {
    DcmFileFormat file;
    DcmDataset& dataset = *file.getDataset();
    PutImageAttributes(dataset, pixels, bits_stored, options);
    if (syntax == Syntax::kJpeg2000Lossless || syntax == Syntax::kJpeg2000) {
      if (Status s = PutJpeg2000Pixels(dataset, syntax, pixels, bits_stored, options); !s.ok())
        return s;
    } else {
      if (Status s = PutNativePixels(dataset, pixels, options.number_of_frames); !s.ok()) return s;
      if (IsEncapsulatedByDcmtk(syntax)) {
        if (Status s = CompressWithDcmtk(dataset, syntax, options); !s.ok()) return s;
      }
    }
    return Serialise(file, syntax, options.with_meta_header, bytes);
  } catch (const std::exception&) {
    return Fail("unexpected failure");
  }
}

Status WriteDicomNonImage(DicomNonImage kind, std::string* bytes) {
  if (bytes == nullptr) return BadParameter("no output");
  DcmFileFormat file;
  DcmDataset& dataset = *file.getDataset();
  if (kind == DicomNonImage::kStructuredReport) {
    PutIdentity(dataset, kBasicTextSr, "SR", DicomWriteOptions{});
    PutString(dataset, DCM_ValueType, "CONTAINER");
    PutString(dataset, DCM_ContinuityOfContent, "SEPARATE");
    PutString(dataset, DCM_CompletionFlag, "COMPLETE");
    PutString(dataset, DCM_VerificationFlag, "UNVERIFIED");
  } else {
    PutIdentity(dataset, kGrayscalePresentationState, "PR", DicomWriteOptions{});
    PutString(dataset, DCM_ContentLabel, "MAMMOCAD_TEST");
    PutString(dataset, DCM_PresentationLUTShape, "IDENTITY");
  }
  return Serialise(file, Syntax::kExplicitVrLittleEndian, true, bytes);
}

Status EncodeJpeg2000Codestream(const cv::Mat& pixels, int bits_stored, bool lossless,
                                double compression_ratio, std::string* codestream) {
  return dicom_internal::EncodeJpeg2000(pixels, bits_stored, lossless, compression_ratio,
                                        codestream);
}

Status WriteDicomdir(const std::vector<std::string>& file_ids, std::string* bytes) {
  if (bytes == nullptr) return BadParameter("no output");
  DcmFileFormat file;
  PutString(*file.getMetaInfo(), DCM_MediaStorageSOPClassUID, UID_MediaStorageDirectoryStorage);
  PutString(*file.getMetaInfo(), DCM_MediaStorageSOPInstanceUID, NewUid());
  DcmDataset& dataset = *file.getDataset();
  PutString(dataset, DCM_FileSetID, "MAMMOCAD");
  for (const char* type : {"PATIENT", "STUDY", "SERIES"}) {  // the hierarchy above the images
    DcmItem* record = nullptr;
    if (dataset.findOrCreateSequenceItem(DCM_DirectoryRecordSequence, record, -2).good()) {
      PutString(*record, DCM_DirectoryRecordType, type);
    }
  }
  for (const std::string& file_id : file_ids) {
    DcmItem* record = nullptr;
    if (dataset.findOrCreateSequenceItem(DCM_DirectoryRecordSequence, record, -2).bad()) {
      return Fail("cannot add a directory record");
    }
    PutString(*record, DCM_DirectoryRecordType, "IMAGE");
    PutString(*record, DCM_ReferencedFileID, file_id);
  }
  return SerialiseToMemory(file, EXS_LittleEndianExplicit, bytes, EWM_fileformat);
}

}  // namespace mammocad
