#include "batch/batch_run.h"

#include <algorithm>
#include <condition_variable>
#include <chrono>
#include <mutex>
#include <thread>

#include "batch/csv_rows.h"
#include "mammocad/decode.h"
#include "service/replies.h"

namespace mammocad {
namespace {

ResultRow ErrorRow(const BatchInput& input, const Status& status) {
  return ResultRow{input, true, BatchErrorLine(input.path, status),
                   CsvErrorRow(input.path, status)};
}

// Reads, decodes and analyses one file; never fails itself: a failure is its error rows.
ResultRow AnalyseFile(const BatchInput& input, const Analyzer& analyzer,
                      const BatchRunOptions& options) {
  if (!input.listing_error.ok()) return ErrorRow(input, input.listing_error);
  if (input.size_bytes > analyzer.limits().max_bytes) {  // before reading it into memory
    return ErrorRow(input, Status(ErrorCode::kPayloadTooLarge,
                                   "the file is " + std::to_string(input.size_bytes) +
                                       " bytes, over the limit of " +
                                       std::to_string(analyzer.limits().max_bytes)));
  }
  std::string bytes;
  Status status = ReadFileBytes(input.path, &bytes);
  ImageAnalysis analysis;
  if (status.ok()) status = analyzer.AnalyzeOne({input.path, bytes}, options.detect, &analysis);
  for (const ExtraImageOutput& output : options.extra_outputs) {
    if (status.ok()) status = output(input, bytes, analysis);
  }
  if (!status.ok()) return ErrorRow(input, status);
  return ResultRow{input, false, BatchResultLine(input.path, analysis),
                   CsvResultRow(input.path, analysis)};
}

}  // namespace

Status RunBatch(const std::vector<BatchInput>& todo, const Analyzer& analyzer,
                const BatchRunOptions& options, ResultFiles* files, BatchSummary* summary) {
  const auto start = std::chrono::steady_clock::now();
  *summary = BatchSummary();
  const int workers = std::max(1, std::min<int>(options.images_in_flight, int(todo.size())));
  // Workers analyse; this thread records (files, summary, progress). Rows wait in `ready`
  // (at most one per worker: a worker waits while it is full), so analysis never waits for
  // the disk, and every row that is ready is recorded with one flush per file.
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<ResultRow> ready;
  std::size_t next = 0;
  int working = workers;
  bool stop = false;  // recording failed
  const auto work = [&] {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stop && next < todo.size()) {
      const BatchInput& input = todo[next++];
      lock.unlock();
      ResultRow row = AnalyseFile(input, analyzer, options);
      lock.lock();
      changed.wait(lock, [&] { return stop || ready.size() < std::size_t(workers); });
      if (stop) break;
      ready.push_back(std::move(row));
      changed.notify_all();
    }
    --working;
    changed.notify_all();
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) threads.emplace_back(work);

  Status record_status;
  int done = 0;
  const int total = int(todo.size());
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    changed.wait(lock, [&] { return !ready.empty() || working == 0; });
    if (ready.empty()) break;
    std::vector<ResultRow> batch;
    batch.swap(ready);
    changed.notify_all();  // room for the workers
    lock.unlock();
    record_status = files->Append(batch);
    if (record_status.ok()) {
      for (const ResultRow& row : batch) {
        ++(row.failed ? summary->failed : summary->analysed);
        ++done;
        if (options.progress) options.progress(done, total);
      }
    }
    lock.lock();
    if (!record_status.ok()) {
      stop = true;
      changed.notify_all();
      break;
    }
  }
  lock.unlock();
  for (std::thread& thread : threads) thread.join();
  summary->seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (summary->seconds > 0) summary->images_per_second = done / summary->seconds;
  return record_status;
}

}  // namespace mammocad
