// Writes the fuzzers' seed corpus from the project's own fixture writers, so that no binary
// file is checked in: `mammocad_fuzz_seeds DIR` makes DIR/images (a small picture in every
// format of the format table, 8 and 16 bit where the format has both) and DIR/dicom (the
// picture in every transfer syntax the reader decodes, with and without meta header, with
// LUTs and a window, and a nested sequence).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "dicom/dicom_writer.h"
#include "testing/codec_test_dicom.h"
#include "testing/codec_test_image.h"

namespace {

namespace fs = std::filesystem;

bool Save(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  return bool(out);
}

bool WriteImages(const fs::path& dir) {
  const cv::Mat picture8 = mammocad::testing::MakeCodecTestImage(24, 32, 8);
  const cv::Mat picture16 = mammocad::testing::MakeCodecTestImage(24, 32, 12);
  struct Seed { const char* name; const char* ext; const cv::Mat* picture; std::vector<int> params; };
  const std::vector<Seed> seeds = {
      {"baseline.jpg", ".jpg", &picture8, {}},
      {"progressive.jpg", ".jpg", &picture8, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}},
      {"restart.jpg", ".jpg", &picture8, {cv::IMWRITE_JPEG_RST_INTERVAL, 2}},
      {"gray8.png", ".png", &picture8, {}},
      {"gray16.png", ".png", &picture16, {}},
      {"gray8.tiff", ".tiff", &picture8, {}},
      {"gray16_raw.tiff", ".tiff", &picture16, {cv::IMWRITE_TIFF_COMPRESSION, 1}},
      {"binary.pgm", ".pgm", &picture8, {}},
      {"ascii.pgm", ".pgm", &picture8, {cv::IMWRITE_PXM_BINARY, 0}},
      {"gray16.pgm", ".pgm", &picture16, {}},
      {"gray8.bmp", ".bmp", &picture8, {}},
  };
  for (const Seed& seed : seeds) {
    std::vector<uchar> bytes;
    if (!cv::imencode(seed.ext, *seed.picture, bytes, seed.params) ||
        !Save(dir / seed.name, std::string(bytes.begin(), bytes.end()))) {
      std::cerr << "cannot write " << seed.name << "\n";
      return false;
    }
  }
  return true;
}

bool WriteDicomSeeds(const fs::path& dir) {
  using namespace mammocad;
  for (DicomTransferSyntax syntax : ReadableTransferSyntaxes()) {
    const DicomWriteOptions options = testing::CodecTestDicomOptions(syntax);
    std::string bytes;
    const cv::Mat picture = testing::MakeCodecTestImage(24, 32, options.bits_stored);
    if (!WriteDicom(picture, options, &bytes).ok() ||
        !Save(dir / (std::string(TransferSyntaxLabel(syntax)) + ".dcm"), bytes)) {
      std::cerr << "cannot write DICOM " << TransferSyntaxLabel(syntax) << "\n";
      return false;
    }
  }
  // Sequences (LUTs), MONOCHROME1 and a bare dataset without meta header.
  DicomWriteOptions luts;
  luts.bits_stored = 12;
  luts.monochrome1 = true;
  luts.modality_lut = DicomLut{0, 16, std::vector<std::uint16_t>(4096, 7)};
  luts.voi_lut = DicomLut{0, 8, std::vector<std::uint16_t>(4096, 3)};
  DicomWriteOptions bare;
  bare.transfer_syntax = DicomTransferSyntax::kImplicitVrLittleEndian;
  bare.with_meta_header = false;
  bare.bits_stored = 12;
  for (auto [name, options] : {std::pair{"luts.dcm", luts}, std::pair{"bare_implicit.dcm", bare}}) {
    std::string bytes;
    if (!WriteDicom(testing::MakeCodecTestImage(24, 32, 12), options, &bytes).ok() ||
        !Save(dir / name, bytes)) {
      std::cerr << "cannot write " << name << "\n";
      return false;
    }
  }
  std::string dicomdir;  // the DICOMDIR reader of `mammocad batch`
  if (!WriteDicomdir({"IMAGES\\IM1", "IMAGES\\SUB\\IM2"}, &dicomdir).ok() ||
      !Save(dir / "dicomdir.dcm", dicomdir)) {
    std::cerr << "cannot write dicomdir.dcm\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: mammocad_fuzz_seeds DIR\n";
    return 2;
  }
  const fs::path root = argv[1];
  fs::create_directories(root / "images");
  fs::create_directories(root / "dicom");
  return WriteImages(root / "images") && WriteDicomSeeds(root / "dicom") ? 0 : 1;
}
