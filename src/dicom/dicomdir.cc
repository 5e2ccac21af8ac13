// DICOMDIR: the media directory (PS3.10, PS3.3 F). Only the part `mammocad batch` needs: which
// image files a directory references. The bytes go through the same bounded scan as images
// before DCMTK parses them (a DICOMDIR of a large archive holds many records, all counted).
#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <cstdint>
#include <new>

#include "dicom/dataset_scan.h"
#include "dicom/dcmtk_setup.h"
#include "mammocad/dicom.h"

namespace mammocad {
namespace {

constexpr std::string_view kMediaStorageDirectoryUid = "1.2.840.10008.1.3.10";
constexpr std::string_view kExplicitVrLittleEndianUid = "1.2.840.10008.1.2.1";
constexpr std::size_t kMetaStart = 128 + 4;  // preamble + "DICM"

Status Corrupt(const std::string& what) {
  return Status(ErrorCode::kCorruptImage, "DICOMDIR: " + what);
}

std::string_view TrimmedUid(std::string_view text) {
  while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.remove_suffix(1);
  return text;
}

// The value of meta element (0002,`element`), read from the explicit VR little endian group
// 0002 that follows "DICM"; empty when absent or the header ends first.
std::string_view MetaValue(std::string_view head, unsigned element) {
  if (head.size() < kMetaStart || head.substr(128, 4) != "DICM") return {};
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
  std::size_t at = kMetaStart;
  while (at + 8 <= head.size()) {
    const unsigned group = byte(at) | (byte(at + 1) << 8);
    const unsigned number = byte(at + 2) | (byte(at + 3) << 8);
    if (group != 0x0002) return {};
    const std::string_view vr = head.substr(at + 4, 2);
    std::size_t length = 0, value_at = 0;
    if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT") {
      if (at + 12 > head.size()) return {};
      length = byte(at + 8) | (byte(at + 9) << 8) | (byte(at + 10) << 16) |
               (std::size_t(byte(at + 11)) << 24);
      value_at = at + 12;
    } else {
      length = byte(at + 6) | (byte(at + 7) << 8);
      value_at = at + 8;
    }
    if (length > head.size() - value_at) return {};
    if (number == element) return head.substr(value_at, length);
    at = value_at + length;
  }
  return {};
}

template <typename Object>
bool ReadWithDcmtk(std::string_view bytes, E_TransferSyntax xfer, Object* object) {
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  stream.setEos();
  object->transferInit();
  const OFCondition condition = object->read(stream, xfer, EGL_noChange, DCM_MaxReadLength);
  object->transferEnd();
  return condition.good();
}

// "A\B\C" -> "A/B/C"; false for a component that is empty, "." or "..", or holds '/'.
bool FileIdToRelativePath(const std::string& file_id, std::string* path) {
  path->clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t end = file_id.find('\\', start);
    std::string component = file_id.substr(start, end == std::string::npos ? end : end - start);
    while (!component.empty() && component.back() == ' ') component.pop_back();
    if (component.empty() || component == "." || component == ".." ||
        component.find('/') != std::string::npos || component.find('\0') != std::string::npos) {
      return false;
    }
    if (!path->empty()) path->push_back('/');
    path->append(component);
    if (end == std::string::npos) return true;
    start = end + 1;
  }
}

Status CollectReferences(DcmDataset& dataset, std::vector<std::string>* relative_paths) {
  DcmSequenceOfItems* records = nullptr;
  if (dataset.findAndGetSequence(DCM_DirectoryRecordSequence, records).bad() ||
      records == nullptr) {
    return Corrupt("no Directory Record Sequence (0004,1220)");
  }
  for (unsigned long i = 0; i < records->card(); ++i) {
    DcmItem* record = records->getItem(i);
    OFString type, file_id;
    if (record == nullptr || record->findAndGetOFString(DCM_DirectoryRecordType, type).bad() ||
        type != "IMAGE") {
      continue;  // patients, studies, series; SR and presentation states are not images
    }
    if (record->findAndGetOFStringArray(DCM_ReferencedFileID, file_id).bad()) continue;
    std::string path;
    if (!FileIdToRelativePath(file_id.c_str(), &path)) {
      return Corrupt("Referenced File ID (0004,1500) of record " + std::to_string(i + 1) +
                     " is not a path inside the DICOMDIR's folder");
    }
    relative_paths->push_back(std::move(path));
  }
  return Status::Ok();
}

}  // namespace

bool IsDicomdir(std::string_view head) {
  return TrimmedUid(MetaValue(head, 0x0002)) == kMediaStorageDirectoryUid;
}

Status ReadDicomdirReferences(std::string_view bytes, const DecodeLimits& limits,
                              std::vector<std::string>* relative_paths) {
  relative_paths->clear();
  if (bytes.size() > limits.max_bytes) {
    return Status(ErrorCode::kPayloadTooLarge,
                  "DICOMDIR of " + std::to_string(bytes.size()) + " bytes is over the limit");
  }
  if (!IsDicomdir(bytes)) return Corrupt("not a DICOM media directory (0002,0002)");
  dicom_internal::DicomLayout layout;
  if (Status s = dicom_internal::FindDicomLayout(bytes, &layout); !s.ok()) return s;
  if (layout.transfer_syntax_uid != kExplicitVrLittleEndianUid) {
    return Corrupt("a DICOMDIR is Explicit VR Little Endian (PS3.10 8.6)");
  }
  const std::string_view dataset = bytes.substr(layout.meta_end);
  if (Status s = dicom_internal::ScanDicomDataset(dataset, true, limits); !s.ok()) return s;
  try {
    dicom_internal::EnsureDcmtkDecoders();
    DcmFileFormat file;
    if (!ReadWithDcmtk(bytes.substr(0, layout.meta_end), EXS_Unknown, file.getMetaInfo()) ||
        !ReadWithDcmtk(dataset, EXS_LittleEndianExplicit, file.getDataset())) {
      return Corrupt("the file is truncated or damaged");
    }
    return CollectReferences(*file.getDataset(), relative_paths);
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kInternal, "DICOMDIR: out of memory while reading");
  } catch (const std::exception&) {
    return Status(ErrorCode::kInternal, "DICOMDIR: unexpected failure while reading");
  }
}

}  // namespace mammocad
