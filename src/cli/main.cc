// mammocad: `serve` runs the HTTP service; `detect` runs the same analysis on files on disk.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <opencv2/core/utility.hpp>
#include <optional>
#include <pthread.h>
#include <sstream>
#include <thread>

#include "service/replies.h"
#include "cli/commands.h"
#include "cli/scorer_flags.h"
#include "decode/image_formats.h"
#include "mammocad/render.h"
#include "server/http_server.h"
#include "service/analysis.h"

namespace mammocad {
namespace {

struct CommonFlags {
  std::optional<double> pixel_spacing;
  std::optional<double> min_score;
  std::string level;
};

// Detection options from flags go through the same parser as the HTTP form values, so both
// front ends accept and refuse the same things.
Status OptionsFromFlags(const CommonFlags& flags, const DetectorParams& params,
                        DetectOptions* options) {
  auto number = [](const std::optional<double>& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    std::ostringstream text;
    text.precision(17);
    text << *v;
    return text.str();
  };
  return ParseDetectOptions(
      [&](const std::string& name) -> std::optional<std::string> {
        if (name == "pixel_spacing") return number(flags.pixel_spacing);
        if (name == "min_score") return number(flags.min_score);
        if (name == "level" && !flags.level.empty()) return flags.level;
        return std::nullopt;
      },
      params, options);
}

int RunDetect(const std::vector<std::string>& paths, const CommonFlags& flags,
              const std::string& format, const std::string& debug_out, const ScorerFlags& scorer) {
  std::unique_ptr<Detector> made;
  if (Status s = MakeDetector(WithDefaultModel(scorer), &made); !s.ok()) {
    std::cerr << "mammocad: " << s.ToString() << "\n";
    return 1;
  }
  const Detector& detector = *made;
  DetectOptions options;
  Status status = OptionsFromFlags(flags, detector.params(), &options);
  std::vector<UploadedFile> files;
  for (const std::string& path : paths) {
    if (!status.ok()) break;
    UploadedFile file{path, {}};
    status = ReadFileBytes(path, &file.bytes);
    files.push_back(std::move(file));
  }
  AnalysisResponse response;
  if (status.ok()) status = Analyzer(detector, DecodeLimits()).Analyze(files, options, &response);
  bool v2 = format == "v2";
  if (!status.ok()) {
    std::cout << (v2 ? V2ErrorReply(status) : LegacyErrorReply(status)) << "\n";
    return 1;
  }
  std::cout << (v2 ? V2Reply(response, /*pretty=*/true) : LegacyReply(response)) << "\n";
  if (!debug_out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(debug_out, ec);
    for (const ImageAnalysis& a : response.images) {
      std::string out = (std::filesystem::path(debug_out) /
                         (std::filesystem::path(a.name).stem().string() + ".debug.jpg"))
                            .string();
      std::string jpeg = EncodeJpeg(RenderFindings(a.image, a.detection.findings));
      std::ofstream file(out, std::ios::binary);
      if (jpeg.empty() || !file.write(jpeg.data(), std::streamsize(jpeg.size()))) {
        std::cerr << "mammocad: cannot write '" << out << "'\n";
        return 1;
      }
    }
  }
  return 0;
}

int RunServe(ServerConfig config, const ScorerFlags& scorer) {
  // Block termination signals in every thread; one watcher thread waits for them and stops
  // the server, so shutdown never runs inside a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<Detector> made;
  if (Status s = MakeDetector(WithDefaultModel(scorer), &made); !s.ok()) {
    spdlog::critical("{}", s.ToString());
    return 1;
  }
  const Detector& detector = *made;
  HttpServer server(config, detector);
  Status status = server.Bind();
  if (!status.ok()) {
    spdlog::critical("{}", status.message());
    return 1;
  }
  spdlog::info("mammocad {} listening on http://{}:{}/", MAMMOCAD_VERSION, config.host,
               server.port());
  std::thread watcher([&server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {}: shutting down", received);
    server.Stop();
  });
  server.Run();
  // Run() can also end without a signal (listen failure): wake the watcher so it can join.
  pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  return 0;
}

}  // namespace
}  // namespace mammocad

int main(int argc, char** argv) {
  using namespace mammocad;
  // Our own parallelism (one request per core) is the model; OpenCV's pool would oversubscribe.
  cv::setNumThreads(1);
  // Buffers over 4 MB (decoded images, uploads) go back to the system when freed. glibc would
  // otherwise raise this threshold to the largest freed block and keep such blocks in each of
  // its per-thread arenas (measured: 560 MB resident after 25 full-field requests, 8 at a time,
  // instead of under 300 MB). The detector's large images come from its own pool.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"mammocad: finds calcifications in mammograms"};
  app.set_version_flag("--version", std::string(MAMMOCAD_VERSION));
  app.set_config("--config", "", "read options from an INI/TOML file (see deploy/mammocad.conf)");
  app.require_subcommand(1);

  ServerConfig config;
  std::size_t max_image_mb = config.limits.max_bytes >> 20;
  std::size_t max_request_mb = config.max_request_bytes >> 20;
  CLI::App* serve = app.add_subcommand("serve", "run the HTTP service");
  serve->add_option("--host", config.host, "address to listen on")->capture_default_str();
  serve->add_option("--port", config.port, "TCP port (0: any free port)")
      ->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--threads", config.compute_threads,
                    "images analysed at once (0: one per CPU core)")
      ->capture_default_str()->check(CLI::Range(0, 256));
  serve->add_option("--io-threads", config.io_threads, "connections served at once")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  serve->add_option("--max-image-mb", max_image_mb, "largest uploaded file, MiB")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  serve->add_option("--max-request-mb", max_request_mb, "largest request body, MiB")
      ->capture_default_str()->check(CLI::Range(1, 8192));
  serve->add_option("--max-pixels", config.limits.max_pixels, "largest image, pixels")
      ->capture_default_str()->check(CLI::Range(std::int64_t(1), std::int64_t(1) << 31));
  serve->add_option("--max-images", config.max_images_per_request, "most images in one request")
      ->capture_default_str()->check(CLI::Range(1, 1000));

  ScorerFlags serve_scorer, detect_scorer;
  AddScorerOptions(serve, &serve_scorer);

  CommonFlags flags;
  std::vector<std::string> paths;
  std::string format = "legacy", debug_out;
  CLI::App* detect = app.add_subcommand("detect", "analyse image files and print the JSON reply");
  detect->add_option("files", paths, "image files (" + ImageFormatList() + ")")
      ->required();
  detect->add_option("--pixel-spacing", flags.pixel_spacing, "mm per pixel, overrides the file");
  detect->add_option("--min-score", flags.min_score, "drop findings scoring below this");
  detect->add_option("--level", flags.level, "cluster (default) or calcification");
  detect->add_option("--format", format, "legacy (state/result, as the server) or v2")
      ->check(CLI::IsMember({"legacy", "v2"}))->capture_default_str();
  detect->add_option("--debug-out", debug_out, "write each image with its findings drawn here");
  AddScorerOptions(detect, &detect_scorer);

  const Subcommand eval = AddEvalCommand(app);
  const Subcommand train = AddTrainCommand(app);
  const Subcommand params = AddParamsCommand(app);

  CLI11_PARSE(app, argc, argv);
  if (*eval.app) return eval.run();
  if (*train.app) return train.run();
  if (*params.app) return params.run();
  if (*serve) {
    config.limits.max_bytes = max_image_mb << 20;
    config.max_request_bytes = max_request_mb << 20;
    return RunServe(config, serve_scorer);
  }
  return RunDetect(paths, flags, format, debug_out, detect_scorer);
}
