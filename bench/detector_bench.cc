// Detector speed on synthetic mammograms: a 1024 x 1024 image at 0.1 mm, and a 3328 x 4096
// full-field image at 70 um (analysed at 0.1 mm). Single-threaded unless OpenCV's pool is on:
//   build/bench/detector_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>

#include "mammocad/detector.h"
#include "mammocad/synthetic.h"

namespace mammocad {
namespace {

void BM_Detect(benchmark::State& state) {
  cv::setNumThreads(1);  // as in the server: parallelism is the detector's own strips
  SyntheticOptions options;
  options.width = static_cast<int>(state.range(0));
  options.height = static_cast<int>(state.range(1));
  options.spacing_mm = options.width > 2000 ? 0.07 : 0.1;
  const SyntheticMammogram m = MakeSyntheticMammogram(options);
  const Detector detector;
  DetectionResult result;
  DetectOptions detect_options;
  detect_options.max_threads = static_cast<int>(state.range(2));
  StageTimings sum;
  for (auto _ : state) {
    if (!detector.Detect(m.image, detect_options, &result).ok()) state.SkipWithError("failed");
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
BENCHMARK(BM_Detect)
    ->Args({1024, 1024, 1})
    ->Args({3328, 4096, 1})
    ->Args({1024, 1024, 2})
    ->Args({3328, 4096, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mammocad

BENCHMARK_MAIN();
