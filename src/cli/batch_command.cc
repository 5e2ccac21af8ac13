// `mammocad batch PATH... --out DIR`: every image below PATH analysed into DIR/results.jsonl
// and DIR/results.csv, resumable; the work itself is src/batch/ (listing, shards, result
// files, the loop), this file adds the flags, the progress line and the summary.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "batch/batch_inputs.h"
#include "batch/batch_run.h"
#include "batch/csv_rows.h"
#include "batch/result_files.h"
#include "batch/shard.h"
#include "cli/cad_report_file.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/task_flags.h"
#include "service/task_registry.h"

namespace mammocad {
namespace {

struct BatchFlags {
  std::vector<std::string> paths;
  std::string out_dir;
  std::string shard = "0/1";
  int images_in_flight = 0;
  bool no_fail_on_file_errors = false;
  std::string task_name;
  std::string sr_out;
  TaskOptionFlags options;
  TaskFlags task;
};

// --sr-out: each DICOM image's Mammography CAD SR as DIR/<its SOP Instance UID>.sr.dcm (unique
// over an archive, and the same file again on a rerun), written whole or not at all
// (WriteCadReportFile). Other formats get none: a report references its image by UIDs.
ExtraImageOutput CadReportOutput(const DetectionTask& task, const DecodeLimits& limits,
                                 const std::filesystem::path& dir) {
  return [&task, limits, dir](const BatchInput& input, std::string_view bytes,
                              const ImageAnalysis& analysis) -> Status {
    if (analysis.image.format != "dicom") return Status::Ok();
    const std::string stem = analysis.image.sop_instance_uid.empty()
                                 ? std::filesystem::path(input.path).stem().string()
                                 : analysis.image.sop_instance_uid;
    return WriteCadReportFile(analysis, bytes, task, limits, 1, dir / (stem + ".sr.dcm"));
  };
}

// Exit status: 0 every file analysed, 1 some file failed (its error row says why; failures
// recorded by an earlier run of the same folder count too; 0 with --no-fail-on-file-errors),
// 2 the run itself failed (flags, the results folder).
int RunBatchCommand(BatchFlags flags) {
  const auto fail = [](const Status& status) {
    std::cerr << "mammocad batch: " << status.ToString() << "\n";
    return 2;
  };
  Shard shard;
  if (Status s = ParseShard(flags.shard, &shard); !s.ok()) return fail(s);
  UseOperatingPointFlag(flags.options, &flags.task);
  std::unique_ptr<const DetectionTask> task;
  if (Status s = MakeTask(flags.task_name, SettingsFromFlags(flags.task), &task); !s.ok()) {
    return fail(s);
  }
  BatchRunOptions options;
  if (Status s = OptionsFromFlags(flags.options, *task, &options.detect); !s.ok()) return fail(s);
  // Measured on 2 cores (bench/README.md, "Batch"): two images in flight, one per core, each
  // image's strips then run on its own core.
  options.images_in_flight = flags.images_in_flight > 0
                                 ? flags.images_in_flight
                                 : int(std::max(1u, std::thread::hardware_concurrency()));
  // With an image in flight per core, each image keeps to its own core (as the server does
  // under load): strips borrowed from the other image's core only contend with it.
  if (options.images_in_flight >= int(std::max(1u, std::thread::hardware_concurrency()))) {
    options.detect.max_threads = 1;
  }
  const DecodeLimits limits;
  if (!flags.sr_out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(flags.sr_out, ec);
    if (ec) {
      return fail(Status(ErrorCode::kIoError,
                         "cannot create '" + flags.sr_out + "': " + ec.message()));
    }
    options.extra_outputs.push_back(CadReportOutput(*task, limits, flags.sr_out));
  }
  const BatchListing listing = ListBatchInputs(flags.paths, limits);
  std::unique_ptr<ResultFiles> files;
  if (Status s = ResultFiles::Open(flags.out_dir, "results" + ShardSuffix(shard), CsvHeader(),
                                   &files);
      !s.ok()) {
    return fail(s);
  }
  std::vector<BatchInput> todo;
  int in_shard = 0, already_done = 0;
  for (const BatchInput& input : listing.inputs) {
    if (!InShard(input, shard)) continue;
    ++in_shard;
    if (files->IsDone(input)) {
      ++already_done;
    } else {
      todo.push_back(input);
    }
  }
  std::cerr << "mammocad batch: " << in_shard << " files"
            << (shard.count > 1 ? " in shard " + flags.shard : "") << ", " << already_done
            << " already done, " << todo.size() << " to analyse ("
            << options.images_in_flight << " at once)\n";
  ProgressBar progress("batch", /*plain_every_percent=*/5);
  options.progress = [&progress](int done, int total) { progress.Update(done, total); };
  BatchSummary summary;
  const Status run = RunBatch(todo, Analyzer(*task, limits), options, files.get(), &summary);
  std::cerr << "mammocad batch: " << summary.analysed << " analysed, " << summary.failed
            << " failed, " << already_done << " skipped (already done)";
  if (listing.skipped_not_images > 0) {
    std::cerr << ", " << listing.skipped_not_images << " non-image files ignored";
  }
  char timing[96];
  std::snprintf(timing, sizeof(timing), "; %.1f s, %.2f images/s", summary.seconds,
                summary.images_per_second);
  std::cerr << timing << "\nresults: " << files->jsonl_path() << ", " << files->csv_path()
            << "\n";
  if (!run.ok()) return fail(run);
  const int failed = files->failed_in_journal();
  if (failed > 0) {
    std::cerr << "mammocad batch: " << failed
              << " files failed; their rows name the error (state != 0)\n";
    return flags.no_fail_on_file_errors ? 0 : 1;
  }
  return 0;
}

}  // namespace

Subcommand AddBatchCommand(CLI::App& app) {
  auto flags = std::make_shared<BatchFlags>();
  std::vector<std::string> task_names;
  for (const TaskRegistration& task : RegisteredTasks()) task_names.push_back(task.name);
  flags->task_name = task_names.front();
  CLI::App* command = app.add_subcommand(
      "batch", "analyse files and folders (recursively, DICOMDIRs followed) into resumable "
               "JSON Lines and CSV results");
  command->add_option("paths", flags->paths, "image files, folders, DICOMDIRs")->required();
  command->add_option("--out", flags->out_dir,
                      "results folder: results.jsonl, results.csv, results.journal (a rerun "
                      "skips the files already done)")
      ->required();
  command->add_option("--shard", flags->shard,
                      "I/N: analyse only part I of N (0-based, by a stable hash of the path "
                      "below PATH); results go to results.shard-I-of-N.*")
      ->capture_default_str();
  command->add_option("--jobs", flags->images_in_flight,
                      "images analysed at once (0: one per CPU core)")
      ->capture_default_str()->check(CLI::Range(0, 256));
  command->add_flag("--no-fail-on-file-errors", flags->no_fail_on_file_errors,
                    "exit 0 even when some files failed (their rows say why): for job engines "
                    "that would rerun a shard whose exit status is not 0");
  command->add_option("--sr-out", flags->sr_out,
                      "also write each DICOM image's Mammography CAD SR here, as "
                      "<SOP Instance UID>.sr.dcm (docs/dicom.md)");
  command->add_option("--task", flags->task_name, "what to look for")
      ->check(CLI::IsMember(task_names))->capture_default_str();
  AddTaskOptionFlags(command, &flags->options);
  AddTaskFlags(command, &flags->task);
  flags->task.operating_point = kServedOperatingPoint;  // as detect; --operating-point replaces it
  return {command, [flags] { return RunBatchCommand(*flags); }};
}

}  // namespace mammocad
