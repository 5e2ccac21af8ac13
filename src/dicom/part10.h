// Writing a DcmFileFormat to bytes in memory (a Part 10 file: preamble, meta header, dataset),
// shared by the SR writer and the DICOM node. Internal to src/dicom/.
#ifndef MAMMOCAD_DICOM_PART10_H_
#define MAMMOCAD_DICOM_PART10_H_

#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcfilefo.h>

#include <string>

#include "mammocad/status.h"

namespace mammocad::dicom_internal {

// `file` in `xfer` (its meta header completed for it) into `bytes`. kInternal when DCMTK
// cannot write it (e.g. pixel data not available in `xfer`).
Status WritePart10(DcmFileFormat& file, E_TransferSyntax xfer, std::string* bytes);

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_PART10_H_
