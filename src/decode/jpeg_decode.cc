#include "decode/jpeg_decode.h"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <string>

#include <jerror.h>
#include <jpeglib.h>

namespace mammocad {
namespace {

struct ErrorManager {
  jpeg_error_mgr library;  // first: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool damaged_pixels;  // a corrupt-data warning, not an error (such as 12-bit precision)
};

[[noreturn]] void Fail(j_common_ptr decoder) {
  auto* errors = reinterpret_cast<ErrorManager*>(decoder->err);
  (*decoder->err->format_message)(decoder, errors->message);
  std::longjmp(errors->jump, 1);
}

// Warnings that mean pixels were guessed (filled grey, or decoded from garbled bits): the
// "Corrupt JPEG data" ones (bad Huffman or arithmetic code, premature end of a segment, lost
// restart markers) and a few others. Harmless are extraneous bytes before a marker, a bad ICC
// profile, an unknown JFIF revision or Adobe transform.
bool MeansDamagedPixels(j_common_ptr decoder) {
  const int code = decoder->err->msg_code;
  if (code == JWRN_JPEG_EOF || code == JWRN_NOT_SEQUENTIAL || code == JWRN_BOGUS_PROGRESSION) {
    return true;
  }
  if (code == JWRN_EXTRANEOUS_DATA || code == JWRN_BOGUS_ICC) return false;
  char text[JMSG_LENGTH_MAX];
  (*decoder->err->format_message)(decoder, text);
  return std::string_view(text).starts_with("Corrupt JPEG data");
}

void OnMessage(j_common_ptr decoder, int level) {
  if (level < 0 && MeansDamagedPixels(decoder)) {
    reinterpret_cast<ErrorManager*>(decoder->err)->damaged_pixels = true;
    Fail(decoder);
  }
}

}  // namespace

Status DecodeJpegGrey(std::string_view bytes, cv::Mat* pixels) {
  // Nothing with a destructor may live between setjmp and longjmp: libjpeg owns its buffers,
  // and `pixels` is allocated before the first call that can fail.
  jpeg_decompress_struct decoder{};
  ErrorManager errors{};
  decoder.err = jpeg_std_error(&errors.library);
  errors.library.error_exit = Fail;
  errors.library.emit_message = OnMessage;
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_decompress(&decoder);
    pixels->release();
    return Status(ErrorCode::kCorruptImage,
                  std::string(errors.damaged_pixels ? "the jpeg data are damaged"
                                                    : "the jpeg data cannot be decoded") +
                      " (libjpeg: " + errors.message + ")");
  }
  jpeg_create_decompress(&decoder);
  jpeg_mem_src(&decoder, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&decoder, TRUE);
  // libjpeg gives no grey from CMYK (Adobe's print JPEGs): those are read as CMYK here only to
  // check them, and left to imdecode, which converts them (`pixels` stays empty).
  const bool cmyk = decoder.jpeg_color_space == JCS_CMYK || decoder.jpeg_color_space == JCS_YCCK;
  // Otherwise as OpenCV's imdecode(IMREAD_GRAYSCALE) asks: the luminance, accurate integer DCT.
  decoder.out_color_space = cmyk ? JCS_CMYK : JCS_GRAYSCALE;
  jpeg_calc_output_dimensions(&decoder);
  pixels->create(static_cast<int>(decoder.output_height), static_cast<int>(decoder.output_width),
                 cmyk ? CV_8UC4 : CV_8UC1);
  jpeg_start_decompress(&decoder);
  while (decoder.output_scanline < decoder.output_height) {
    JSAMPROW row = pixels->ptr<JSAMPLE>(static_cast<int>(decoder.output_scanline));
    jpeg_read_scanlines(&decoder, &row, 1);
  }
  jpeg_finish_decompress(&decoder);
  jpeg_destroy_decompress(&decoder);
  if (cmyk) pixels->release();
  return Status::Ok();
}

}  // namespace mammocad
