// The JPEG decoder of the format table: libjpeg (the library OpenCV decodes with), driven
// directly so that the file is decoded once and a corrupt-data warning is an error. OpenCV's
// imdecode only prints such warnings ("Corrupt JPEG data: premature end of data segment") and
// returns the image with the missing blocks grey, which would be analysed as if whole; checking
// with libjpeg first and then decoding with imdecode read every coefficient twice (the
// 3328 x 4096 benchmark JPEG: 37 ms against 19 ms for one decode).
// Internal to src/decode/ (the only file that includes jpeglib.h is jpeg_decode.cc).
// Thread-safety: may be called from many threads at once.
#ifndef MAMMOCAD_DECODE_JPEG_DECODE_H_
#define MAMMOCAD_DECODE_JPEG_DECODE_H_

#include <opencv2/core.hpp>
#include <string_view>

#include "mammocad/status.h"

namespace mammocad {

// The image's luminance as 8-bit grey (the pixels imdecode(IMREAD_GRAYSCALE) gives).
// kCorruptImage naming libjpeg's complaint when the entropy-coded data are damaged or end
// early, or libjpeg cannot read the file at all (e.g. 12-bit precision); `pixels` is then empty.
// A CMYK or YCCK file is checked the same way but Ok with `pixels` empty: libjpeg has no grey
// for it, so the caller decodes it with imdecode (a second pass, for these rare files only).
// The caller has checked the size against its limits (the table's peek).
Status DecodeJpegGrey(std::string_view bytes, cv::Mat* pixels);

}  // namespace mammocad

#endif  // MAMMOCAD_DECODE_JPEG_DECODE_H_
