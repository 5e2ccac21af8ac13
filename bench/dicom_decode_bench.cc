// Decode time of a full-field digital mammogram (3328 x 4096, 14 bits stored) in every
// transfer syntax the DICOM reader supports. Fixtures are written in-process by the DICOM
// writer before timing starts (JPEG baseline/extended carry at most 8/12 bits, so they get
// an 8/12-bit version of the image).
//
// Side by side with the floor (issue 18), each iteration timing both so that load on a shared
// machine hits both alike:
//   BM_SideBySide/uncompressed_vs_tiff     DecodeDicom of Explicit VR Little Endian against
//                                          DecodeImage of an uncompressed 16-bit TIFF of the
//                                          same pixels (counters dicom_ms, tiff_ms, ratio)
//   BM_SideBySide/jpeg2000_vs_opj_decompress  DecodeDicom of JPEG 2000 lossless against
//                                          `opj_decompress -threads 2` (libopenjp2-tools) on the
//                                          same codestream, as a process writing .raw to
//                                          $TMPDIR (counters dicom_ms; opj_ms, the process's
//                                          wall time; opj_decode_ms, the decode time it
//                                          prints; ratio, ratio_to_decode)
//
//   build/bench/dicom_decode_bench --benchmark_counters_tabular=true
//   build/bench/dicom_decode_bench --benchmark_filter=SideBySide --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "testing/codec_test_image.h"
#include "mammocad/decode.h"
#include "mammocad/dicom.h"
#include "dicom/dicom_writer.h"

namespace mammocad {
namespace {

constexpr int kRows = 4096;
constexpr int kColumns = 3328;
constexpr int kBitsStored = 14;

const std::string& Fixture(DicomTransferSyntax syntax) {
  static std::map<DicomTransferSyntax, std::string> fixtures;
  auto [entry, inserted] = fixtures.try_emplace(syntax);
  if (inserted) {
    DicomWriteOptions options;
    options.transfer_syntax = syntax;
    options.bits_stored = std::min(kBitsStored, MaxBitsStored(syntax));
    options.imager_pixel_spacing_mm = 0.065;
    const Status status =
        WriteDicom(testing::MakeCodecTestImage(kRows, kColumns, options.bits_stored), options,
                   &entry->second);
    if (!status.ok()) entry->second.clear();
  }
  return entry->second;
}

void BM_DecodeDicom(benchmark::State& state, DicomTransferSyntax syntax) {
  const std::string& bytes = Fixture(syntax);  // made before the timed loop
  if (bytes.empty()) {
    state.SkipWithError("the writer could not make the fixture");
    return;
  }
  for (auto _ : state) {
    Image image;
    const Status status = DecodeDicom(bytes, DecodeLimits{}, &image);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(image.pixels.data);
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(kRows) * kColumns);
  state.counters["file_MB"] = double(bytes.size()) / 1e6;
}

double Milliseconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

cv::Mat FixturePixels() { return testing::MakeCodecTestImage(kRows, kColumns, kBitsStored); }

void BM_UncompressedVsTiff(benchmark::State& state) {
  const std::string& dicom = Fixture(DicomTransferSyntax::kExplicitVrLittleEndian);
  std::vector<uchar> tiff;
  cv::imencode(".tiff", FixturePixels(), tiff, {cv::IMWRITE_TIFF_COMPRESSION, 1});
  const std::string_view tiff_bytes(reinterpret_cast<const char*>(tiff.data()), tiff.size());
  double dicom_ms = 0, tiff_ms = 0;
  for (auto _ : state) {
    Image from_dicom, from_tiff;
    auto start = std::chrono::steady_clock::now();
    const Status a = DecodeDicom(dicom, DecodeLimits{}, &from_dicom);
    dicom_ms += Milliseconds(start);
    start = std::chrono::steady_clock::now();
    const Status b = DecodeImage(tiff_bytes, DecodeLimits{}, &from_tiff);
    tiff_ms += Milliseconds(start);
    if (!a.ok() || !b.ok()) {
      state.SkipWithError((a.ok() ? b : a).ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(from_dicom.pixels.data);
    benchmark::DoNotOptimize(from_tiff.pixels.data);
  }
  const double n = double(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["dicom_ms"] = dicom_ms / n;
  state.counters["tiff_ms"] = tiff_ms / n;
  state.counters["ratio"] = tiff_ms > 0 ? dicom_ms / tiff_ms : 0;
}

void BM_Jpeg2000VsOpjDecompress(benchmark::State& state) {
  const std::string& dicom = Fixture(DicomTransferSyntax::kJpeg2000Lossless);
  std::string codestream;  // the same codestream as the fixture's (the encoder is deterministic)
  if (!EncodeJpeg2000Codestream(FixturePixels(), kBitsStored, true, 0.0, &codestream).ok() ||
      std::system("command -v opj_decompress >/dev/null 2>&1") != 0) {
    state.SkipWithError("opj_decompress (Debian libopenjp2-tools) is not installed");
    return;
  }
  const char* tmp = std::getenv("TMPDIR");
  const std::filesystem::path folder = std::filesystem::path(tmp ? tmp : "/tmp");
  const std::string input = (folder / "mammocad_bench.j2k").string();
  const std::string output = (folder / "mammocad_bench.raw").string();
  std::ofstream(input, std::ios::binary) << codestream;
  // Not -quiet: it then prints its own "decode time: N ms" (reading and decoding, without the
  // process start and writing the output), the fairer floor.
  const std::string command = "opj_decompress -threads 2 -i '" + input + "' -o '" + output +
                              "' 2>/dev/null";
  double dicom_ms = 0, opj_ms = 0, opj_reported_ms = 0;
  for (auto _ : state) {
    Image image;
    auto start = std::chrono::steady_clock::now();
    const Status status = DecodeDicom(dicom, DecodeLimits{}, &image);
    dicom_ms += Milliseconds(start);
    start = std::chrono::steady_clock::now();
    std::FILE* pipe = popen(command.c_str(), "r");
    char line[256];
    int reported = -1;
    while (pipe != nullptr && std::fgets(line, sizeof(line), pipe) != nullptr) {
      std::sscanf(line, "decode time: %d ms", &reported);
    }
    const int exit_code = pipe != nullptr ? pclose(pipe) : -1;
    opj_ms += Milliseconds(start);
    opj_reported_ms += reported;
    if (!status.ok() || exit_code != 0 || reported < 0) {
      state.SkipWithError(status.ok() ? "opj_decompress failed" : status.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(image.pixels.data);
  }
  std::filesystem::remove(input);
  std::filesystem::remove(output);
  const double n = double(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["dicom_ms"] = dicom_ms / n;
  state.counters["opj_ms"] = opj_ms / n;
  state.counters["opj_decode_ms"] = opj_reported_ms / n;  // what opj_decompress printed
  state.counters["ratio"] = opj_ms > 0 ? dicom_ms / opj_ms : 0;
  state.counters["ratio_to_decode"] = opj_reported_ms > 0 ? dicom_ms / opj_reported_ms : 0;
}

}  // namespace
}  // namespace mammocad

int main(int argc, char** argv) {
  for (mammocad::DicomTransferSyntax syntax : mammocad::ReadableTransferSyntaxes()) {
    benchmark::RegisterBenchmark(
        ("BM_DecodeDicom/" + std::string(mammocad::TransferSyntaxLabel(syntax))).c_str(),
        mammocad::BM_DecodeDicom, syntax)
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("BM_SideBySide/uncompressed_vs_tiff",
                               mammocad::BM_UncompressedVsTiff)
      ->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("BM_SideBySide/jpeg2000_vs_opj_decompress",
                               mammocad::BM_Jpeg2000VsOpjDecompress)
      ->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
