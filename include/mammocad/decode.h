// Decoding uploaded bytes into an Image. The format is recognised by content (magic bytes),
// never by file name or MIME type. Always decodes to grayscale; 16-bit PNG/TIFF and 12-16 bit
// DICOM keep their depth.
//
// Errors (never exceptions): kEmptyFile, kPayloadTooLarge, kTooManyPixels (checked from the
// header before the pixels are decoded), kUnsupportedFormat, kCorruptImage, and for DICOM
// kUnsupportedTransferSyntax / kNotAnImage.
// Thread-safety: DecodeImage may be called from many threads at once.
#ifndef MAMMOCAD_DECODE_H_
#define MAMMOCAD_DECODE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad {

enum class ImageFormat { kUnknown, kJpeg, kPng, kTiff, kPnm, kBmp, kDicom };

// Recognises the container from its first bytes.
ImageFormat SniffFormat(std::string_view bytes);

// Reads width and height from the header without decoding pixels. Returns false when the
// header cannot be read (the decoder then reports the problem).
bool PeekDimensions(std::string_view bytes, ImageFormat format, int* width, int* height);

Status DecodeImage(std::string_view bytes, const DecodeLimits& limits, Image* out);

// Reads a whole file into `bytes` (the CLI and the evaluation tool). Errors: kIoError naming
// the path.
Status ReadFileBytes(const std::string& path, std::string* bytes);

}  // namespace mammocad

#endif  // MAMMOCAD_DECODE_H_
