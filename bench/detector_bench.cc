// Detector speed, per stage and whole, next to the bare decode of the same bytes in the same
// run (the yardstick: a request should cost a small multiple of decoding its image).
//
//   build/bench/detector_bench --benchmark_counters_tabular=true
//
// Images are synthetic mammograms (include/mammocad/synthetic.h): 1024 x 1024 and 3328 x 4096
// (a full-field detector), as 8-bit JPEG (quality 92) and 16-bit PNG and TIFF.
//
//   BM_Decode/<w>/<h>/<format>            decoding only, as a request does (checks included)
//   BM_BareDecode/<w>/<h>/<format>        OpenCV's imdecode alone: the "bare decode" yardstick
//   BM_DecodeAndDetect/<w>/<h>/<format>/<threads>/<scorer>
//        decode + detect as a request does (spacing from the 240 mm field-of-view default, as
//        a request without pixel_spacing), counters: decode_ms, detect_ms, and the ratios
//        detect_per_decode and request_per_decode (= (decode + detect) / decode)
//   BM_Detect/<w>/<h>/<threads>           detector on a 16-bit image at 0.1 / 0.07 mm, stage
//                                         times (DetectionResult::timings) as counters
//   BM_Stage<stage>/<w>/<h>               each stage alone (single thread)
//   BM_RequestThroughput/<w>/<h>/<scorer>/threads:2  two requests at once (decode + detect), one thread
//                                         each: what the server can reach on 2 cores
//                                         (items_per_second; MAMMOCAD_BENCH_IMAGE=FILE to use
//                                         the load test's image)
// <format>: 0 = 8-bit JPEG, 1 = 16-bit PNG, 2 = 16-bit TIFF. <threads>: DetectOptions::max_threads.
// <scorer>: 0 = hand-made, 1 = neural (models/calc-nn-v4.yml with its fitted settings: what
// `serve` runs by default).
// Only the decode and the detector are timed: the operating point (a threshold on scores) costs
// nothing.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "detector/stages.h"
#include "mammocad/decode.h"
#include "mammocad/detector.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

enum Format { kJpeg8 = 0, kPng16 = 1, kTiff16 = 2 };

double SpacingFor(int width) { return width > 2000 ? 0.07 : 0.1; }

// Synthetic images are slow to make: one per (size, bits), shared by all benchmarks.
const Image& SyntheticImage(int width, int height, int bits) {
  static std::mutex mutex;
  static std::map<std::tuple<int, int, int>, Image> cache;
  std::lock_guard lock(mutex);
  auto [it, inserted] = cache.try_emplace({width, height, bits});
  if (inserted) {
    SyntheticOptions options;
    options.width = width;
    options.height = height;
    options.spacing_mm = SpacingFor(width);
    options.bits = bits;
    it->second = MakeSyntheticMammogram(options).image;
  }
  return it->second;
}

// 0: the hand-made detector; 1: the neural scorer of the source tree's models/, as served.
const Detector& BenchDetector(int scorer) {
  static const Detector handmade;
  static const std::unique_ptr<Detector> neural = [] {
    ScorerChoice choice;
    choice.scorer = "neural";
    choice.model_path = MAMMOCAD_SOURCE_DIR "/models/calc-nn-v4.yml";
    std::unique_ptr<Detector> detector;
    if (const Status s = MakeDetector(choice, &detector); !s.ok()) {
      std::fprintf(stderr, "detector_bench: %s\n", s.ToString().c_str());
      std::exit(1);
    }
    return detector;
  }();
  return scorer == 1 ? *neural : handmade;
}

// The file MAMMOCAD_BENCH_IMAGE names (the load test's image), or empty when unset.
const std::string& BenchImageFile() {
  static const std::string bytes = [] {
    const char* path = std::getenv("MAMMOCAD_BENCH_IMAGE");
    if (path == nullptr) return std::string();
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
  }();
  return bytes;
}

// The synthetic image in `format`; the 3328 x 4096 JPEG is MAMMOCAD_BENCH_IMAGE's file when
// that is set, so that decode, decode + detect and the load test measure the same bytes.
const std::string& EncodedImage(int width, int height, Format format) {
  if (format == kJpeg8 && width == 3328 && !BenchImageFile().empty()) return BenchImageFile();
  static std::mutex mutex;
  static std::map<std::tuple<int, int, int>, std::string> cache;
  const Image& image = SyntheticImage(width, height, format == kJpeg8 ? 8 : 16);
  std::lock_guard lock(mutex);
  auto [it, inserted] = cache.try_emplace({width, height, format});
  if (inserted) {
    std::vector<uchar> bytes;
    const char* extension = format == kJpeg8 ? ".jpg" : format == kPng16 ? ".png" : ".tif";
    std::vector<int> params;
    if (format == kJpeg8) params = {cv::IMWRITE_JPEG_QUALITY, 92};
    cv::imencode(extension, image.pixels, bytes, params);
    it->second.assign(bytes.begin(), bytes.end());
  }
  return it->second;
}

void BM_Decode(benchmark::State& state) {
  const std::string& bytes = EncodedImage(static_cast<int>(state.range(0)),
                                          static_cast<int>(state.range(1)),
                                          static_cast<Format>(state.range(2)));
  Image image;
  for (auto _ : state) {
    if (!DecodeImage(bytes, DecodeLimits(), &image).ok()) state.SkipWithError("decode failed");
  }
  state.counters["mbytes"] = bytes.size() / 1e6;
}

// The yardstick of issue 15's speed target: the bare library decode (OpenCV's imdecode, as a
// program that only opens the image would), without mammocad's checks.
void BM_BareDecode(benchmark::State& state) {
  const std::string& bytes = EncodedImage(static_cast<int>(state.range(0)),
                                          static_cast<int>(state.range(1)),
                                          static_cast<Format>(state.range(2)));
  const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                        const_cast<char*>(bytes.data()));
  for (auto _ : state) {
    benchmark::DoNotOptimize(cv::imdecode(encoded, cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH));
  }
}

void BM_DecodeAndDetect(benchmark::State& state) {
  const std::string& bytes = EncodedImage(static_cast<int>(state.range(0)),
                                          static_cast<int>(state.range(1)),
                                          static_cast<Format>(state.range(2)));
  const Detector& detector = BenchDetector(static_cast<int>(state.range(4)));
  DetectOptions options;
  options.max_threads = static_cast<int>(state.range(3));
  Image image;
  DetectionResult result;
  double decode_ms = 0, detect_ms = 0;
  for (auto _ : state) {
    auto start = Clock::now();
    if (!DecodeImage(bytes, DecodeLimits(), &image).ok()) state.SkipWithError("decode failed");
    decode_ms += MillisecondsSince(start);
    start = Clock::now();
    if (!detector.Detect(image, options, &result).ok()) state.SkipWithError("detect failed");
    detect_ms += MillisecondsSince(start);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["decode_ms"] = decode_ms / n;
  state.counters["detect_ms"] = detect_ms / n;
  state.counters["detect_per_decode"] = detect_ms / decode_ms;
  state.counters["request_per_decode"] = (decode_ms + detect_ms) / decode_ms;
}

void BM_Detect(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0)), height = static_cast<int>(state.range(1));
  const Image& image = SyntheticImage(width, height, 16);
  const Detector detector;
  DetectOptions options;
  options.max_threads = static_cast<int>(state.range(2));
  DetectionResult result;
  StageTimings sum;
  for (auto _ : state) {
    if (!detector.Detect(image, options, &result).ok()) state.SkipWithError("failed");
    sum.normalise_ms += result.timings.normalise_ms;
    sum.mask_ms += result.timings.mask_ms;
    sum.enhance_ms += result.timings.enhance_ms;
    sum.candidates_ms += result.timings.candidates_ms;
    sum.cluster_ms += result.timings.cluster_ms;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["normalise_ms"] = sum.normalise_ms / n;
  state.counters["mask_ms"] = sum.mask_ms / n;
  state.counters["enhance_ms"] = sum.enhance_ms / n;
  state.counters["candidates_ms"] = sum.candidates_ms / n;
  state.counters["cluster_ms"] = sum.cluster_ms / n;
}

// The server's best case under load: each core decodes and analyses its own image (the image
// the load test sends if MAMMOCAD_BENCH_IMAGE names it, else the synthetic JPEG), spacing by
// default as for a request without pixel_spacing. items_per_second is the throughput that
// bench/load_test.sh is compared with.
void BM_RequestThroughput(benchmark::State& state) {
  const std::string& bytes = EncodedImage(static_cast<int>(state.range(0)),
                                          static_cast<int>(state.range(1)), kJpeg8);
  const Detector& detector = BenchDetector(static_cast<int>(state.range(2)));
  DetectOptions options;
  options.max_threads = 1;  // one image per core, as the server under load
  Image image;
  DetectionResult result;
  for (auto _ : state) {
    if (!DecodeImage(bytes, DecodeLimits(), &image).ok()) state.SkipWithError("decode failed");
    if (!detector.Detect(image, options, &result).ok()) state.SkipWithError("detect failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// --- Stages alone (single thread), on the analysis grid as the detector runs them ----------
struct StageInputs {
  detail::AnalysisImage analysis;
  cv::Mat1b mask;
  cv::Mat1f response;
  std::vector<Calcification> calcifications;
};

const StageInputs& Inputs(int width, int height) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, StageInputs> cache;
  const Image& image = SyntheticImage(width, height, 16);
  std::lock_guard lock(mutex);
  auto [it, inserted] = cache.try_emplace({width, height});
  if (inserted) {
    const DetectorParams p;
    StageInputs& in = it->second;
    in.analysis = detail::Normalise(image, SpacingFor(width), p);
    in.mask = detail::ComputeBreastMask(in.analysis.pixels, in.analysis.spacing_mm, p);
    in.response = detail::EnhanceSpots(in.analysis.pixels, in.analysis.spacing_mm, p);
    in.calcifications =
        detail::FindCandidates(in.response, in.mask, in.analysis.spacing_mm, p);
  }
  return it->second;
}

void BM_StageNormalise(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const Image& image = SyntheticImage(width, static_cast<int>(state.range(1)), 16);
  for (auto _ : state) {
    benchmark::DoNotOptimize(detail::Normalise(image, SpacingFor(width), DetectorParams()));
  }
}

void BM_StageMask(benchmark::State& state) {
  const StageInputs& in =
      Inputs(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        detail::ComputeBreastMask(in.analysis.pixels, in.analysis.spacing_mm, DetectorParams()));
  }
}

void BM_StageEnhance(benchmark::State& state) {
  const StageInputs& in =
      Inputs(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        detail::EnhanceSpots(in.analysis.pixels, in.analysis.spacing_mm, DetectorParams()));
  }
}

void BM_StageCandidates(benchmark::State& state) {
  const StageInputs& in =
      Inputs(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(detail::FindCandidates(in.response, in.mask,
                                                    in.analysis.spacing_mm, DetectorParams()));
  }
}

void BM_StageClusters(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0)), height = static_cast<int>(state.range(1));
  const StageInputs& in = Inputs(width, height);
  for (auto _ : state) {
    benchmark::DoNotOptimize(detail::GroupIntoClusters(in.calcifications, SpacingFor(width),
                                                       cv::Size(width, height), DetectorParams()));
  }
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Args({1024, 1024})->Args({3328, 4096})->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_Decode)
    ->ArgsProduct({{1024}, {1024}, {kJpeg8, kPng16, kTiff16}})
    ->ArgsProduct({{3328}, {4096}, {kJpeg8, kPng16, kTiff16}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BareDecode)
    ->ArgsProduct({{1024}, {1024}, {kJpeg8, kPng16, kTiff16}})
    ->ArgsProduct({{3328}, {4096}, {kJpeg8, kPng16, kTiff16}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeAndDetect)
    ->ArgsProduct({{1024}, {1024}, {kJpeg8, kPng16, kTiff16}, {1, 2}, {0, 1}})
    ->ArgsProduct({{3328}, {4096}, {kJpeg8, kPng16, kTiff16}, {1, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Detect)
    ->ArgsProduct({{1024}, {1024}, {1, 2}})
    ->ArgsProduct({{3328}, {4096}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_RequestThroughput)
    ->Args({3328, 4096, 0})
    ->Args({3328, 4096, 1})
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StageNormalise)->Apply(Sizes);
BENCHMARK(BM_StageMask)->Apply(Sizes);
BENCHMARK(BM_StageEnhance)->Apply(Sizes);
BENCHMARK(BM_StageCandidates)->Apply(Sizes);
BENCHMARK(BM_StageClusters)->Apply(Sizes);

}  // namespace
}  // namespace mammocad

int main(int argc, char** argv) {
  cv::setNumThreads(1);  // as the server: parallelism is the detector's own strips
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
