// DICOM input: the only module that includes DCMTK (src/dicom/ is its bridge).
//
// DecodeDicom turns one single-frame DICOM image (modality MG and others) into an Image:
// Modality LUT applied, MONOCHROME1 inverted (bright = dense), precision kept (CV_16UC1 for
// more than 8 bits), VOI transform applied only to `display`, spacing from Imager Pixel Spacing
// (corrected by the Estimated Radiographic Magnification Factor) else Pixel Spacing.
// Errors: kCorruptImage (truncated/garbled), kUnsupportedTransferSyntax (message names the
// syntax), kNotAnImage (no pixel data, multi-frame, SR, presentation state), kTooManyPixels.
// Messages and logs never contain patient name, IDs or dates.
// Thread-safety: may be called from many threads at once.
#ifndef MAMMOCAD_DICOM_H_
#define MAMMOCAD_DICOM_H_

#include <string>
#include <string_view>
#include <vector>

#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad {

// True when `bytes` start like a DICOM file: a 128-byte preamble and "DICM", or (files
// without preamble) a plausible little-endian group 0x0002/0x0008 element at offset 0.
bool LooksLikeDicom(std::string_view bytes);

Status DecodeDicom(std::string_view bytes, const DecodeLimits& limits, Image* out);

// Reads Columns (width) and Rows (height) from the header only (parsing stops at Pixel Data).
// False when the header cannot be read; DecodeDicom then says why.
bool PeekDicomDimensions(std::string_view bytes, int* width, int* height);

// DICOMDIR, the media directory of PS3.10 (dicomdir.cc): true when `head`, the first bytes of
// a file (4 KiB are plenty), is a DICOM file whose meta header names the Media Storage
// Directory SOP class (1.2.840.10008.1.3.10). Reads the meta header only, without DCMTK.
bool IsDicomdir(std::string_view head);

// The files a DICOMDIR's IMAGE records reference (Referenced File ID (0004,1500)), each as a
// path relative to the DICOMDIR's folder with its components joined by '/', in record order.
// Errors: kCorruptImage when the bytes are damaged or not a DICOMDIR, or a file ID could
// leave the folder (an empty, "." or ".." component, or one holding '/'); the bounded scan's
// limits (DecodeLimits) as for images.
Status ReadDicomdirReferences(std::string_view bytes, const DecodeLimits& limits,
                              std::vector<std::string>* relative_paths);

}  // namespace mammocad

#endif  // MAMMOCAD_DICOM_H_
