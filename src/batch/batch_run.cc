#include "batch/batch_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "batch/csv_rows.h"
#include "mammocad/decode.h"
#include "service/replies.h"

namespace mammocad {
namespace {

struct Rows {
  bool failed = false;
  std::string json, csv;
};

Rows ErrorRows(const BatchInput& input, const Status& status) {
  return Rows{true, BatchErrorLine(input.path, status), CsvErrorRow(input.path, status)};
}

// Reads, decodes and analyses one file; never fails itself: a failure is its error rows.
Rows AnalyseFile(const BatchInput& input, const Analyzer& analyzer,
                 const BatchRunOptions& options) {
  if (!input.listing_error.ok()) return ErrorRows(input, input.listing_error);
  if (input.size_bytes > analyzer.limits().max_bytes) {  // before reading it into memory
    return ErrorRows(input, Status(ErrorCode::kPayloadTooLarge,
                                   "the file is " + std::to_string(input.size_bytes) +
                                       " bytes, over the limit of " +
                                       std::to_string(analyzer.limits().max_bytes)));
  }
  std::string bytes;
  Status status = ReadFileBytes(input.path, &bytes);
  ImageAnalysis analysis;
  if (status.ok()) status = analyzer.AnalyzeOne({input.path, bytes}, options.detect, &analysis);
  for (const ExtraImageOutput& output : options.extra_outputs) {
    if (status.ok()) status = output(input, analysis);
  }
  if (!status.ok()) return ErrorRows(input, status);
  return Rows{false, BatchResultLine(input.path, analysis), CsvResultRow(input.path, analysis)};
}

}  // namespace

Status RunBatch(const std::vector<BatchInput>& todo, const Analyzer& analyzer,
                const BatchRunOptions& options, ResultFiles* files, BatchSummary* summary) {
  const auto start = std::chrono::steady_clock::now();
  *summary = BatchSummary();
  std::atomic<std::size_t> next{0};
  std::mutex record_mutex;  // guards files, summary, record_status and progress
  Status record_status;
  int done = 0;
  const int total = int(todo.size());
  const auto work = [&] {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(record_mutex);
        if (!record_status.ok()) return;
      }
      const std::size_t index = next.fetch_add(1);
      if (index >= todo.size()) return;
      const BatchInput& input = todo[index];
      const Rows rows = AnalyseFile(input, analyzer, options);
      std::lock_guard<std::mutex> lock(record_mutex);
      if (!record_status.ok()) return;
      record_status = files->Append(input, rows.failed, rows.json, rows.csv);
      if (!record_status.ok()) return;
      ++(rows.failed ? summary->failed : summary->analysed);
      ++done;
      if (options.progress) options.progress(done, total);
    }
  };
  const int workers = std::max(1, std::min<int>(options.images_in_flight, int(todo.size())));
  std::vector<std::thread> threads;
  for (int i = 1; i < workers; ++i) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  summary->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (summary->seconds > 0) summary->images_per_second = done / summary->seconds;
  return record_status;
}

}  // namespace mammocad
