// mammocad: `serve` runs the HTTP service; `detect` runs the same analysis on files on disk.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <opencv2/core/utility.hpp>
#include <pthread.h>
#include <thread>

#include "cli/cad_report_file.h"
#include "cli/commands.h"
#include "cli/scorer_flags.h"
#include "cli/task_flags.h"
#include "decode/image_formats.h"
#include "mammocad/render.h"
#include "server/access_log.h"
#include "server/compute_gate.h"
#include "server/dicom_node.h"
#include "server/http_server.h"
#include "service/analysis.h"
#include "service/replies.h"
#include "service/task_registry.h"

namespace mammocad {
namespace {

// detect --sr-out: the Mammography CAD SR of each DICOM image as <stem>.sr.dcm; other formats
// are named on stderr and skipped (a report references its image by DICOM UIDs).
int WriteCadReports(const AnalysisResponse& response, const std::vector<UploadedFile>& files,
                    const DetectionTask& task, const std::string& sr_out) {
  std::error_code ec;
  std::filesystem::create_directories(sr_out, ec);
  for (std::size_t i = 0; i < response.images.size(); ++i) {
    const ImageAnalysis& a = response.images[i];
    if (a.image.format != "dicom") {
      std::cerr << "mammocad: " << a.name << " is " << a.image.format
                << ", not DICOM: no CAD report\n";
      continue;
    }
    const std::filesystem::path out =
        std::filesystem::path(sr_out) / (std::filesystem::path(a.name).stem().string() + ".sr.dcm");
    if (Status s = WriteCadReportFile(a, files[i].bytes, task, DecodeLimits(), i + 1, out);
        !s.ok()) {
      std::cerr << "mammocad: " << s.ToString() << "\n";
      return 1;
    }
  }
  return 0;
}

int RunDetect(const std::vector<std::string>& paths, const std::string& task_name,
              const TaskOptionFlags& flags, const std::string& format,
              const std::string& debug_out, const std::string& sr_out,
              const TaskFlags& task_flags) {
  std::unique_ptr<const DetectionTask> task;
  if (Status s = MakeTask(task_name, SettingsFromFlags(task_flags), &task); !s.ok()) {
    std::cerr << "mammocad: " << s.ToString() << "\n";
    return 1;
  }
  DetectOptions options;
  Status status = OptionsFromFlags(flags, *task, &options);
  std::vector<std::string> contents(paths.size());  // the files' bytes, viewed by `files`
  std::vector<UploadedFile> files;
  for (std::size_t i = 0; i < paths.size() && status.ok(); ++i) {
    if (std::error_code ec; std::filesystem::is_directory(paths[i], ec)) {
      status = Status(ErrorCode::kBadParameter,
                      "'" + paths[i] + "' is a folder: detect takes image files; for folders " +
                          "use `mammocad batch " + paths[i] + " --out RESULTS`");
      break;
    }
    status = ReadFileBytes(paths[i], &contents[i]);
    files.push_back({paths[i], contents[i]});
  }
  AnalysisResponse response;
  if (status.ok()) status = Analyzer(*task, DecodeLimits()).Analyze(files, options, &response);
  bool v2 = format == "v2";
  if (!status.ok()) {
    std::cout << (v2 ? V2ErrorReply(status) : LegacyErrorReply(status)) << "\n";
    return 1;
  }
  std::cout << (v2 ? V2Reply(response, /*pretty=*/true) : LegacyReply(response)) << "\n";
  if (!sr_out.empty()) {
    if (int failed = WriteCadReports(response, files, *task, sr_out); failed) return failed;
  }
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

// The start both servers share. Buffers over 4 MB (decoded images, uploads) go back to the
// system when freed: glibc would otherwise raise this threshold to the largest freed block and
// keep such blocks in each of its per-thread arenas (measured: 560 MB resident after 25
// full-field requests, 8 at a time, instead of under 300 MB; the detector's large images come
// from its own pool). Not for batch, detect or eval: a fixed number of threads there, and
// faulting a fresh decoded image in for every file cost batch 15% of its rate (bench/README.md,
// "Batch"). SIGINT and SIGTERM are blocked in every thread (before any starts) and returned,
// for a watcher thread's sigwait, so shutdown never runs inside a signal handler. Then the
// tasks; on failure logged, and false.
bool StartServerProcess(const TaskFlags& task_flags, sigset_t* signals,
                        std::vector<std::unique_ptr<const DetectionTask>>* tasks) {
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  sigemptyset(signals);
  sigaddset(signals, SIGINT);
  sigaddset(signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  if (Status s = MakeTasks(SettingsFromFlags(task_flags), tasks); !s.ok()) {
    spdlog::critical("{}", s.ToString());
    return false;
  }
  return true;
}

int RunServe(ServerConfig config, const TaskFlags& task_flags) {
  sigset_t signals;
  std::vector<std::unique_ptr<const DetectionTask>> tasks;
  if (!StartServerProcess(task_flags, &signals, &tasks)) return 1;
  if (!task_flags.operating_point.empty()) {
    spdlog::info("default operating point: {}", task_flags.operating_point);
  }
  HttpServer server(config, tasks);
  Status status = server.Bind();
  if (!status.ok()) {
    spdlog::critical("{} ({})", status.message(), ErrorName(status.code()));
    return 1;
  }
  spdlog::info("mammocad {} listening on {}://{}:{}/{}{}", MAMMOCAD_VERSION,
               config.tls.cert.empty() ? "http" : "https", config.host, server.port(),
               config.auth_token_file.empty() ? "" : " (bearer tokens required)",
               config.tls.client_ca.empty() ? "" : " (client certificates required)");
  std::thread watcher([&server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {}: shutting down", received);
    server.Stop();
  });
  server.Run();
  spdlog::info("stopped: every accepted request answered");
  // Run() can also end without a signal (listen failure): wake the watcher so it can join.
  pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  return 0;
}

// dicom-serve: the node, and with `http.port` > 0 the HTTP server beside it (the same tasks;
// its /metrics and /healthz then show the node too, through the shared counters).
int RunDicomServe(DicomNodeConfig config, ServerConfig http, const TaskFlags& task_flags) {
  sigset_t signals;
  std::vector<std::unique_ptr<const DetectionTask>> tasks;
  if (!StartServerProcess(task_flags, &signals, &tasks)) return 1;
  Metrics metrics;
  config.metrics = &metrics;
  http.shared_metrics = &metrics;
  // One budget of analyses for both front ends: the node's --threads.
  http.routes.compute_threads = config.threads;
  ComputeGate gate(ComputeThreads(http.routes));
  config.gate = &gate;
  http.routes.shared_gate = &gate;
  http.routes.limits = config.limits;
  http.routes.limits.max_bytes = config.listener.max_object_bytes;
  DicomNode node(config, *tasks.front());
  std::optional<HttpServer> server;
  if (http.port > 0) server.emplace(http, tasks);
  for (Status s : {node.Bind(), server ? server->Bind() : Status::Ok()}) {
    if (!s.ok()) {
      spdlog::critical("{} ({})", s.message(), ErrorName(s.code()));
      return 1;
    }
  }
  spdlog::info("mammocad {} DICOM node {} listening on port {}; reports to {}@{}:{}{}",
               MAMMOCAD_VERSION, config.listener.ae_title, config.listener.port,
               config.destination.ae_title, config.destination.host, config.destination.port,
               server ? " (HTTP, /metrics, on " + http.host + ":" + std::to_string(server->port()) + ")"
                      : std::string());
  std::thread http_thread;
  if (server) http_thread = std::thread([&server] { server->Run(); });
  std::thread watcher([&node, &server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {}: shutting down", received);
    node.Stop();
    if (server) server->Stop();
  });
  const Status status = node.Run();
  spdlog::info("stopped: every received image analysed");
  if (!server) spdlog::info("metrics:\n{}", node.MetricsText());
  pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  if (http_thread.joinable()) http_thread.join();
  if (!status.ok()) spdlog::critical("{}", status.message());
  return status.ok() ? 0 : 1;
}

}  // namespace
}  // namespace mammocad

int main(int argc, char** argv) {
  using namespace mammocad;
  // Our own parallelism (one request per core) is the model; OpenCV's pool would oversubscribe.
  cv::setNumThreads(1);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"mammocad: finds calcifications in mammograms"};
  app.set_version_flag("--version", std::string(MAMMOCAD_VERSION));
  app.set_config("--config", "", "read options from an INI/TOML file (see deploy/mammocad.conf)");
  app.require_subcommand(1);

  ServerConfig config;
  std::size_t max_image_mb = config.routes.limits.max_bytes >> 20;
  std::size_t max_request_mb = config.max_request_bytes >> 20;
  std::size_t max_header_kb = config.max_header_bytes >> 10;
  std::size_t max_buffered_mb = config.max_buffered_bytes >> 20;
  std::size_t min_upload_kbps = config.min_upload_bytes_per_second >> 10;
  std::string log_format = "text";
  CLI::App* serve = app.add_subcommand("serve", "run the HTTP service");
  serve->add_option("--host", config.host, "address to listen on")->capture_default_str();
  serve->add_option("--port", config.port, "TCP port (0: any free port)")
      ->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--threads", config.routes.compute_threads,
                    "images analysed at once (0: one per CPU core)")
      ->capture_default_str()->check(CLI::Range(0, 256));
  serve->add_option("--io-threads", config.io_threads,
                    "HTTP event-loop threads (each serves many connections)")
      ->capture_default_str()->check(CLI::Range(1, 64));
  serve->add_option("--max-connections", config.max_connections,
                    "open connections at once; also the listen backlog")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  serve->add_option("--max-connections-per-ip", config.max_connections_per_ip,
                    "open connections per client address (0: no limit)")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  serve->add_option("--max-queue", config.max_queue,
                    "complete requests waiting for a compute thread; beyond: 503 + Retry-After")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  serve->add_option("--max-header-kb", max_header_kb,
                    "request line and headers, KiB (beyond: 431)")
      ->capture_default_str()->check(CLI::Range(4, 1024));
  serve->add_option("--max-header-lines", config.max_header_lines, "header lines (beyond: 431)")
      ->capture_default_str()->check(CLI::Range(8, 10000));
  serve->add_option("--max-buffered-mb", max_buffered_mb,
                    "request bodies held at once, all clients, MiB (beyond: 503)")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  serve->add_option("--idle-timeout", config.idle_timeout_seconds,
                    "seconds a connection may stay silent")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  serve->add_option("--min-upload-kbps", min_upload_kbps,
                    "slowest average upload, KiB/s, after --upload-grace (slower: 408)")
      ->capture_default_str()->check(CLI::Range(0, 1 << 20));
  serve->add_option("--upload-grace", config.upload_grace_seconds,
                    "seconds before --min-upload-kbps applies")
      ->capture_default_str()->check(CLI::Range(0, 3600));
  serve->add_option("--request-timeout", config.request_timeout_seconds,
                    "seconds from the headers to the last body byte (longer: 408)")
      ->capture_default_str()->check(CLI::Range(1, 86400));
  serve->add_option("--drain-timeout", config.drain_seconds,
                    "on SIGTERM, seconds for accepted requests to finish")
      ->capture_default_str()->check(CLI::Range(0, 3600));
  serve->add_option("--retry-after", config.retry_after_seconds,
                    "Retry-After seconds of a 503")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  serve->add_option("--max-debug-pixels", config.routes.max_debug_pixels,
                    "largest ?debug picture, pixels (larger: scaled down, X-Debug-Scale)")
      ->capture_default_str()->check(CLI::Range(std::int64_t(10000), std::int64_t(1) << 31));
  serve->add_option("--auth-token-file", config.auth_token_file,
                    "file of bearer tokens, one per line: every request but /healthz and "
                    "/readyz must send 'Authorization: Bearer <token>' (else 401)");
  serve->add_option("--tls-cert", config.tls.cert,
                    "PEM certificate (chain): serve HTTPS instead of HTTP (with --tls-key)");
  serve->add_option("--tls-key", config.tls.key, "PEM private key of --tls-cert (unencrypted)");
  serve->add_option("--tls-client-ca", config.tls.client_ca,
                    "PEM CA: every request but /healthz and /readyz needs a client "
                    "certificate it signed (else 401)");
  serve->add_option("--log-format", log_format, "text or json (one JSON object per line)")
      ->capture_default_str()->check(CLI::IsMember({"text", "json"}));
  serve->add_option("--max-image-mb", max_image_mb, "largest uploaded file, MiB")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  serve->add_option("--max-request-mb", max_request_mb, "largest request body, MiB")
      ->capture_default_str()->check(CLI::Range(1, 8192));
  serve->add_option("--max-pixels", config.routes.limits.max_pixels, "largest image, pixels")
      ->capture_default_str()->check(CLI::Range(std::int64_t(1), std::int64_t(1) << 31));
  serve->add_option("--max-images", config.routes.max_images_per_request,
                    "most images in one request")
      ->capture_default_str()->check(CLI::Range(1, 1000));

  TaskFlags serve_task_flags, detect_task_flags;
  AddTaskFlags(serve, &serve_task_flags);
  serve_task_flags.operating_point = kServedOperatingPoint;
  serve->add_option("--operating-point", serve_task_flags.operating_point,
                    "for requests that name no operating_point: high_specificity, balanced, "
                    "high_sensitivity (README.md) or all (every finding)")
      ->capture_default_str();

  TaskOptionFlags flags;
  std::vector<std::string> paths, task_names;
  for (const TaskRegistration& task : RegisteredTasks()) task_names.push_back(task.name);
  std::string task_name = task_names.front(), format = "legacy", debug_out, sr_out;
  CLI::App* detect = app.add_subcommand("detect", "analyse image files and print the JSON reply");
  detect->add_option("files", paths, "image files (" + ImageFormatList() + ")")
      ->required();
  detect->add_option("--task", task_name, "what to look for")
      ->check(CLI::IsMember(task_names))->capture_default_str();
  AddTaskOptionFlags(detect, &flags);
  detect->add_option("--format", format, "legacy (state/result, as the server) or v2")
      ->check(CLI::IsMember({"legacy", "v2"}))->capture_default_str();
  detect->add_option("--debug-out", debug_out, "write each image with its findings drawn here");
  detect->add_option("--sr-out", sr_out,
                     "write a Mammography CAD SR of each DICOM image here (<name>.sr.dcm)");
  AddTaskFlags(detect, &detect_task_flags);
  // As the server: --operating-point (from the task's option table) replaces this.
  detect_task_flags.operating_point = kServedOperatingPoint;

  DicomNodeConfig node;
  std::size_t node_max_image_mb = node.listener.max_object_bytes >> 20;
  std::string node_log_format = "text";
  CLI::App* dicom_serve = app.add_subcommand(
      "dicom-serve", "run a DICOM node: C-STORE in, Mammography CAD SR out (docs/dicom.md)");
  dicom_serve->add_option("--aet", node.listener.ae_title, "our AE title")->capture_default_str();
  dicom_serve->add_option("--port", node.listener.port, "DICOM port")
      ->capture_default_str()->check(CLI::Range(1, 65535));
  dicom_serve->add_option("--dest-aet", node.destination.ae_title, "AE title reports go to")
      ->required();
  dicom_serve->add_option("--dest-host", node.destination.host, "host reports go to")->required();
  dicom_serve->add_option("--dest-port", node.destination.port, "port reports go to")
      ->required()->check(CLI::Range(1, 65535));
  dicom_serve->add_option("--allow-aet", node.listener.allowed_calling_aes,
                          "a calling AE title allowed to associate (repeatable; none: any)");
  dicom_serve->add_option("--max-associations", node.listener.max_associations,
                          "associations served at once (more: rejected, transient)")
      ->capture_default_str()->check(CLI::Range(1, 1000));
  dicom_serve->add_option("--max-queue", node.max_queue,
                          "received images waiting for analysis (more: status A700)")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  dicom_serve->add_option("--threads", node.threads, "images analysed at once (0: one per core)")
      ->capture_default_str()->check(CLI::Range(0, 256));
  dicom_serve->add_option("--max-image-mb", node_max_image_mb,
                          "largest received object, MiB (larger: association dropped)")
      ->capture_default_str()->check(CLI::Range(1, 4096));
  dicom_serve->add_option("--max-pixels", node.limits.max_pixels, "largest image, pixels")
      ->capture_default_str()->check(CLI::Range(std::int64_t(1), std::int64_t(1) << 31));
  dicom_serve->add_option("--timeout", node.listener.timeout_seconds,
                          "seconds of network silence before an association is dropped")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  ServerConfig node_http;
  node_http.port = 0;
  dicom_serve->add_option("--http-port", node_http.port,
                          "also serve the HTTP API, /healthz and /metrics (with the node's "
                          "counters) on this port (0: no HTTP)")
      ->capture_default_str()->check(CLI::Range(0, 65535));
  dicom_serve->add_option("--http-host", node_http.host, "address of --http-port")
      ->capture_default_str();
  dicom_serve->add_option("--log-format", node_log_format, "text or json")
      ->capture_default_str()->check(CLI::IsMember({"text", "json"}));
  TaskFlags node_task_flags;
  AddTaskFlags(dicom_serve, &node_task_flags);
  node_task_flags.operating_point = kServedOperatingPoint;
  dicom_serve->add_option("--operating-point", node_task_flags.operating_point,
                          "which clusters the reports keep (as serve's)")
      ->capture_default_str();

  const Subcommand eval = AddEvalCommand(app);
  const Subcommand train = AddTrainCommand(app);
  const Subcommand params = AddParamsCommand(app);
  const Subcommand patches = AddPatchesCommand(app);
  const Subcommand calibrate = AddCalibrateCommand(app);
  const Subcommand batch = AddBatchCommand(app);

  CLI11_PARSE(app, argc, argv);
  if (*eval.app) return eval.run();
  if (*train.app) return train.run();
  if (*params.app) return params.run();
  if (*patches.app) return patches.run();
  if (*calibrate.app) return calibrate.run();
  if (*batch.app) return batch.run();
  if (*serve) {
    config.routes.limits.max_bytes = max_image_mb << 20;
    config.max_request_bytes = max_request_mb << 20;
    config.max_header_bytes = max_header_kb << 10;
    config.max_buffered_bytes = max_buffered_mb << 20;
    config.min_upload_bytes_per_second = min_upload_kbps << 10;
    ConfigureLogging(log_format == "json" ? LogFormat::kJson : LogFormat::kText);
    return RunServe(config, serve_task_flags);
  }
  if (*dicom_serve) {
    node.listener.max_object_bytes = node_max_image_mb << 20;
    ConfigureLogging(node_log_format == "json" ? LogFormat::kJson : LogFormat::kText);
    return RunDicomServe(node, node_http, node_task_flags);
  }
  UseOperatingPointFlag(flags, &detect_task_flags);
  return RunDetect(paths, task_name, flags, format, debug_out, sr_out, detect_task_flags);
}
