// Decode time of a full-field digital mammogram (3328 x 4096, 14 bits stored) in every
// transfer syntax the DICOM reader supports. Fixtures are written in-process by the DICOM
// writer before timing starts (JPEG baseline/extended carry at most 8/12 bits, so they get
// an 8/12-bit version of the image).
//
//   build/bench/dicom_decode_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <string>

#include "testing/codec_test_image.h"
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
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
