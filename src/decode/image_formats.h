// The image formats mammocad accepts, one row each. Everything that depends on the list of
// formats (sniffing, header peeks, truncation checks, the folder filter of `eval`, help and
// error texts) reads this table, so adding a format means adding one row and its functions
// in image_formats.cc. Internal to src/; the public face stays mammocad/decode.h.
#ifndef MAMMOCAD_DECODE_IMAGE_FORMATS_H_
#define MAMMOCAD_DECODE_IMAGE_FORMATS_H_

#include <string>
#include <string_view>
#include <vector>

#include "mammocad/decode.h"
#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad {

struct ImageFormatInfo {
  ImageFormat format;
  std::string_view name;        // put into Image::format and error messages: "jpeg"
  std::string_view human_name;  // help and error texts: "JPEG"
  // Image::lossy for files of this format: true when its encoding always discards
  // information (JPEG). A format with its own `decode` sets Image::lossy itself (DICOM: by
  // its transfer syntax) and has false here. TIFF counts as lossless although a TIFF may
  // hold JPEG-compressed strips: mammography TIFFs are written uncompressed or LZW.
  bool lossy;
  // True when the bytes start like this format (magic bytes; never the file name).
  bool (*sniff)(std::string_view bytes);
  // Width and height from the header, without decoding: read from the fields the decoder
  // will use, and refused (kCorruptImage naming the problem) when the header is unreadable or
  // states the size twice with different values, so that the pixel limit checks the size
  // that will really be decoded.
  Status (*peek)(std::string_view bytes, int* width, int* height);
  // kCorruptImage when the pixel data end early or are damaged. Null when the decoder fails
  // on such data by itself. Needed because some decoders fill missing or garbled rows with
  // grey instead of failing (libjpeg warns and goes on; OpenCV's PGM reader pads).
  Status (*check_data)(std::string_view bytes);
  // The format's own pixel decoder, after the peek and the pixel limit (JPEG: one libjpeg pass
  // that fails on corrupt data, jpeg_decode.h). Null, or Ok with no pixels: OpenCV's imdecode.
  Status (*decode_pixels)(std::string_view bytes, cv::Mat* pixels);
  // A decoder that reads the header and checks DecodeLimits itself (DICOM: DCMTK). Null: the
  // shared path of DecodeImage (peek, pixel limit, check_data, then decode_pixels or OpenCV's
  // imdecode).
  Status (*decode)(std::string_view bytes, const DecodeLimits& limits, Image* out);
  std::vector<std::string_view> extensions;  // lower case, with the dot: ".jpg"
  // Tried before every other row: DICOM's 128-byte preamble is free-form and may itself hold
  // another format's magic (dual DICOM/TIFF files), so it must win over that format.
  bool sniff_first = false;
};

// Every supported format, in the order help and error texts name them.
const std::vector<ImageFormatInfo>& ImageFormats();

// The row of `format`; null for kUnknown.
const ImageFormatInfo* FormatInfo(ImageFormat format);

// The row whose sniff recognises `bytes` (sniff_first rows tried first); null when none does.
const ImageFormatInfo* SniffFormatInfo(std::string_view bytes);

// True when the file name ends in one of the table's extensions, whatever its case (".DCM").
bool HasImageFileExtension(const std::string& path);

// "JPEG, PNG, TIFF, PGM, BMP or DICOM": the human names, for help and error texts.
std::string ImageFormatList();

// ".jpg .jpeg .png ...": every extension, for help about folders filtered by extension.
std::string ImageExtensionList();

}  // namespace mammocad

#endif  // MAMMOCAD_DECODE_IMAGE_FORMATS_H_
