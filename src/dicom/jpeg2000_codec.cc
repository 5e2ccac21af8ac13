#include "dicom/jpeg2000_codec.h"

#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <thread>

namespace mammocad::dicom_internal {
namespace {

// --- OpenJPEG plumbing: RAII owners and memory streams ---------------------------------------

struct CodecDeleter {
  void operator()(opj_codec_t* codec) const { opj_destroy_codec(codec); }
};
struct StreamDeleter {
  void operator()(opj_stream_t* stream) const { opj_stream_destroy(stream); }
};
struct ImageDeleter {
  void operator()(opj_image_t* image) const { opj_image_destroy(image); }
};
using CodecPtr = std::unique_ptr<opj_codec_t, CodecDeleter>;
using StreamPtr = std::unique_ptr<opj_stream_t, StreamDeleter>;
using ImagePtr = std::unique_ptr<opj_image_t, ImageDeleter>;

// OpenJPEG prints to stderr by default; its messages are of no use to a client, and the
// failing call's return value is what we act on.
void IgnoreMessage(const char*, void*) {}

void SilenceCodec(opj_codec_t* codec) {
  opj_set_error_handler(codec, IgnoreMessage, nullptr);
  opj_set_warning_handler(codec, IgnoreMessage, nullptr);
  opj_set_info_handler(codec, IgnoreMessage, nullptr);
}

struct InputBuffer {
  const unsigned char* data;
  std::size_t size;
  std::size_t position = 0;
};

OPJ_SIZE_T ReadInput(void* destination, OPJ_SIZE_T count, void* user) {
  auto* in = static_cast<InputBuffer*>(user);
  const std::size_t available = in->size - in->position;
  if (available == 0) return static_cast<OPJ_SIZE_T>(-1);  // OpenJPEG's end-of-stream
  const std::size_t n = std::min<std::size_t>(count, available);
  std::memcpy(destination, in->data + in->position, n);
  in->position += n;
  return n;
}

OPJ_OFF_T SkipInput(OPJ_OFF_T count, void* user) {
  auto* in = static_cast<InputBuffer*>(user);
  if (count < 0) return -1;
  const std::size_t n =
      std::min<std::size_t>(static_cast<std::size_t>(count), in->size - in->position);
  in->position += n;
  return static_cast<OPJ_OFF_T>(n);
}

OPJ_BOOL SeekInput(OPJ_OFF_T offset, void* user) {
  auto* in = static_cast<InputBuffer*>(user);
  if (offset < 0 || static_cast<std::size_t>(offset) > in->size) return OPJ_FALSE;
  in->position = static_cast<std::size_t>(offset);
  return OPJ_TRUE;
}

StreamPtr MakeInputStream(InputBuffer* buffer) {
  StreamPtr stream(opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE));
  if (!stream) return nullptr;
  opj_stream_set_user_data(stream.get(), buffer, nullptr);
  opj_stream_set_user_data_length(stream.get(), buffer->size);
  opj_stream_set_read_function(stream.get(), ReadInput);
  opj_stream_set_skip_function(stream.get(), SkipInput);
  opj_stream_set_seek_function(stream.get(), SeekInput);
  return stream;
}

struct OutputBuffer {
  std::string* bytes;
  std::size_t position = 0;
};

OPJ_SIZE_T WriteOutput(void* source, OPJ_SIZE_T count, void* user) {
  auto* out = static_cast<OutputBuffer*>(user);
  if (out->bytes->size() < out->position + count) out->bytes->resize(out->position + count);
  std::memcpy(out->bytes->data() + out->position, source, count);
  out->position += count;
  return count;
}

OPJ_OFF_T SkipOutput(OPJ_OFF_T count, void* user) {
  auto* out = static_cast<OutputBuffer*>(user);
  if (count < 0) return -1;
  out->position += static_cast<std::size_t>(count);
  if (out->bytes->size() < out->position) out->bytes->resize(out->position);
  return count;
}

OPJ_BOOL SeekOutput(OPJ_OFF_T offset, void* user) {
  auto* out = static_cast<OutputBuffer*>(user);
  if (offset < 0) return OPJ_FALSE;
  out->position = static_cast<std::size_t>(offset);
  if (out->bytes->size() < out->position) out->bytes->resize(out->position);
  return OPJ_TRUE;
}

StreamPtr MakeOutputStream(OutputBuffer* buffer) {
  StreamPtr stream(opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_FALSE));
  if (!stream) return nullptr;
  opj_stream_set_user_data(stream.get(), buffer, nullptr);
  opj_stream_set_write_function(stream.get(), WriteOutput);
  opj_stream_set_skip_function(stream.get(), SkipOutput);
  opj_stream_set_seek_function(stream.get(), SeekOutput);
  return stream;
}

// DICOM requires a raw J2K codestream, but JP2-wrapped frames exist in the wild.
OPJ_CODEC_FORMAT DetectFormat(std::string_view bytes) {
  static constexpr unsigned char kJp2Signature[] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' '};
  if (bytes.size() >= sizeof(kJp2Signature) &&
      std::memcmp(bytes.data(), kJp2Signature, sizeof(kJp2Signature)) == 0) {
    return OPJ_CODEC_JP2;
  }
  return OPJ_CODEC_J2K;
}

Status Corrupt(std::string_view what) {
  return Status(ErrorCode::kCorruptImage, "JPEG 2000 frame: " + std::string(what));
}

// Checks the header's geometry against the DICOM attributes before any tile is decoded, so a
// forged codestream cannot make us allocate a huge image.
Status CheckHeader(const opj_image_t& image, int expected_rows, int expected_columns) {
  if (image.numcomps != 1) return Corrupt("expected one component");
  const opj_image_comp_t& component = image.comps[0];
  if (component.prec < 1 || component.prec > 16) return Corrupt("precision outside 1..16 bits");
  if (component.dx != 1 || component.dy != 1) return Corrupt("subsampled component");
  const long long width = static_cast<long long>(image.x1) - image.x0;
  const long long height = static_cast<long long>(image.y1) - image.y0;
  if (width != expected_columns || height != expected_rows) {
    return Corrupt("size differs from Rows/Columns");
  }
  return Status::Ok();
}

// One decoding thread per core, at most 8 (a frame has enough code blocks for that).
int DecodeThreads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return int(std::clamp(cores, 1u, 8u));
}

int ResolutionLevelsFor(const cv::Mat& pixels) {
  // Each level halves the image; OpenJPEG refuses levels that would shrink it below 1 pixel.
  int levels = 1;
  for (int side = std::min(pixels.rows, pixels.cols); side >= 2 && levels < 6; side /= 2) ++levels;
  return levels;
}

}  // namespace

Status DecodeJpeg2000(std::string_view codestream, int expected_rows, int expected_columns,
                      DecodedJpeg2000* decoded) {
  if (codestream.empty()) return Corrupt("empty");
  InputBuffer buffer{reinterpret_cast<const unsigned char*>(codestream.data()), codestream.size()};
  StreamPtr stream = MakeInputStream(&buffer);
  CodecPtr codec(opj_create_decompress(DetectFormat(codestream)));
  if (!stream || !codec) return Status(ErrorCode::kInternal, "OpenJPEG could not start");
  SilenceCodec(codec.get());
  opj_dparameters_t parameters;
  opj_set_default_decoder_parameters(&parameters);
  if (!opj_setup_decoder(codec.get(), &parameters)) return Corrupt("decoder setup failed");
  // Between setup and the header, as OpenJPEG requires; without threads it decodes on ours.
  opj_codec_set_threads(codec.get(), DecodeThreads());

  opj_image_t* raw_image = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw_image)) {
    opj_image_destroy(raw_image);
    return Corrupt("unreadable header");
  }
  ImagePtr image(raw_image);
  if (Status status = CheckHeader(*image, expected_rows, expected_columns); !status.ok()) {
    return status;
  }
  if (!opj_decode(codec.get(), stream.get(), image.get()) ||
      !opj_end_decompress(codec.get(), stream.get())) {
    return Corrupt("truncated or damaged codestream");
  }
  const opj_image_comp_t& component = image->comps[0];
  if (component.data == nullptr || static_cast<int>(component.w) != expected_columns ||
      static_cast<int>(component.h) != expected_rows) {
    return Corrupt("decoded component is incomplete");
  }
  decoded->samples = component.data;
  decoded->owner = std::shared_ptr<opj_image_t>(image.release(), ImageDeleter());
  return Status::Ok();
}

Status EncodeJpeg2000(const cv::Mat& pixels, int bits_stored, bool lossless,
                      double compression_ratio, std::string* codestream) {
  if (pixels.empty() || (pixels.type() != CV_8UC1 && pixels.type() != CV_16UC1) ||
      bits_stored < 1 || bits_stored > 16) {
    return Status(ErrorCode::kBadParameter, "JPEG 2000 encoder needs CV_8UC1/CV_16UC1 pixels");
  }
  opj_image_cmptparm_t component_parameters{};
  component_parameters.dx = component_parameters.dy = 1;
  component_parameters.w = static_cast<OPJ_UINT32>(pixels.cols);
  component_parameters.h = static_cast<OPJ_UINT32>(pixels.rows);
  component_parameters.prec = static_cast<OPJ_UINT32>(bits_stored);
  component_parameters.sgnd = 0;
  ImagePtr image(opj_image_create(1, &component_parameters, OPJ_CLRSPC_GRAY));
  if (!image) return Status(ErrorCode::kInternal, "OpenJPEG could not allocate the image");
  image->x1 = component_parameters.w;
  image->y1 = component_parameters.h;
  cv::Mat as_int32(pixels.rows, pixels.cols, CV_32SC1, image->comps[0].data);
  pixels.convertTo(as_int32, CV_32S);

  opj_cparameters_t parameters;
  opj_set_default_encoder_parameters(&parameters);
  parameters.tcp_numlayers = 1;
  parameters.cp_disto_alloc = 1;
  parameters.irreversible = lossless ? 0 : 1;
  parameters.tcp_rates[0] = lossless ? 0.0f : static_cast<float>(compression_ratio);
  parameters.numresolution = ResolutionLevelsFor(pixels);

  CodecPtr codec(opj_create_compress(OPJ_CODEC_J2K));
  codestream->clear();
  OutputBuffer buffer{codestream};
  StreamPtr stream = MakeOutputStream(&buffer);
  if (!codec || !stream) return Status(ErrorCode::kInternal, "OpenJPEG could not start");
  SilenceCodec(codec.get());
  if (!opj_setup_encoder(codec.get(), &parameters, image.get()) ||
      !opj_start_compress(codec.get(), image.get(), stream.get()) ||
      !opj_encode(codec.get(), stream.get()) || !opj_end_compress(codec.get(), stream.get())) {
    return Status(ErrorCode::kInternal, "OpenJPEG could not encode the image");
  }
  // The string already spans every byte written (the encoder seeks back to patch markers).
  return Status::Ok();
}

}  // namespace mammocad::dicom_internal
