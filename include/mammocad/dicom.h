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

#include <string_view>

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

}  // namespace mammocad

#endif  // MAMMOCAD_DICOM_H_
