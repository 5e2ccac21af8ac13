// The JPEG data check of the format table: libjpeg (the library OpenCV decodes with) reads
// every coefficient of the file, and a corrupt-data warning becomes an error. OpenCV's
// imdecode only prints such warnings ("Corrupt JPEG data: premature end of data segment")
// and returns the image with the missing blocks grey, which would be analysed as if whole.
// Internal to src/decode/ (the only file that includes jpeglib.h is jpeg_check.cc).
// Thread-safety: may be called from many threads at once.
#ifndef MAMMOCAD_DECODE_JPEG_CHECK_H_
#define MAMMOCAD_DECODE_JPEG_CHECK_H_

#include <string_view>

#include "mammocad/status.h"

namespace mammocad {

// kCorruptImage naming libjpeg's complaint when the entropy-coded data are damaged or end
// early, or libjpeg cannot read the file at all. Decodes at 1/8 scale into one row: the
// entropy decoding (where damage shows) is complete, the inverse DCT nearly free.
Status CheckJpegData(std::string_view bytes);

}  // namespace mammocad

#endif  // MAMMOCAD_DECODE_JPEG_CHECK_H_
