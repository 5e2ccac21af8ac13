#include "dicom/part10.h"

#include <dcmtk/dcmdata/dcostrmb.h>

namespace mammocad::dicom_internal {

Status WritePart10(DcmFileFormat& file, E_TransferSyntax xfer, std::string* bytes) {
  if (OFCondition c = file.validateMetaInfo(xfer); c.bad()) {
    return Status(ErrorCode::kInternal, std::string("DICOM: meta header: ") + c.text());
  }
  file.transferInit();
  const std::size_t length = file.calcElementLength(xfer, EET_ExplicitLength);
  std::string buffer(length + 1024, '\0');
  DcmOutputBufferStream stream(buffer.data(), offile_off_t(buffer.size()));
  const OFCondition written = file.write(stream, xfer, EET_ExplicitLength, nullptr);
  file.transferEnd();
  if (written.bad()) {
    return Status(ErrorCode::kInternal, std::string("DICOM: cannot write: ") + written.text());
  }
  void* data = nullptr;
  offile_off_t used = 0;
  stream.flushBuffer(data, used);
  buffer.resize(std::size_t(used));
  *bytes = std::move(buffer);
  return Status::Ok();
}

}  // namespace mammocad::dicom_internal
