// The reply of POST /v2/images/decode (docs/api.md, "Decoded pixels"): one decoded image at
// its full bit depth, for the web viewer's window/level (a browser cannot decode DICOM, TIFF,
// PGM or 16-bit PNG itself).
//
// Body: the pixels row by row, top left first, one unsigned sample per pixel: 1 byte when the
// image is 8-bit, else 2 bytes little-endian. `application/octet-stream`,
// `Cache-Control: no-store` (patient data). Headers (ASCII):
//   X-Image-Width, X-Image-Height        pixels
//   X-Image-Bytes-Per-Sample             1 or 2
//   X-Image-Bits-Stored                  significant low bits (1..16)
//   X-Image-Format                       "png", "dicom", ... (Image::format)
//   X-Image-Laterality, X-Image-View     DICOM only: "L"/"R", "CC"/"MLO" (else absent)
//   X-Window-Low, X-Window-High          DICOM only: the file's VOI window in the samples'
//                                        units (DisplayWindow, mammocad/render.h)
// Thread-safety: a pure function.
#ifndef MAMMOCAD_SERVER_PIXELS_REPLY_H_
#define MAMMOCAD_SERVER_PIXELS_REPLY_H_

#include "mammocad/image.h"
#include "server/http_types.h"

namespace mammocad {

HttpReply DecodedPixelsReply(const Image& image);

}  // namespace mammocad

#endif  // MAMMOCAD_SERVER_PIXELS_REPLY_H_
