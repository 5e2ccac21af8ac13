// The output folder of `mammocad batch`: results as JSON Lines (<stem>.jsonl) and CSV
// (<stem>.csv), one row per file, and the journal (<stem>.journal) that makes a run
// resumable.
//
// Crash safety: for each file, its JSON and CSV rows are appended and fsync'ed, and only then
// its journal line, which records the files' lengths after those rows. A journal line that a
// crash tore (no final newline, or unreadable) is dropped, and on opening the results are
// cut back to the lengths of the last whole journal line: rows whose journal line never made
// it to disk are dropped with it, so after kill -9 each file appears exactly once once the
// rerun is done, and at most the files in flight are analysed again.
//
// The journal is keyed by path, size and modification time: a file that changed since is
// analysed again (its new row follows the old one; the last row of a path is current).
// Thread-safety: none; the batch runner serialises its calls.
#ifndef MAMMOCAD_BATCH_RESULT_FILES_H_
#define MAMMOCAD_BATCH_RESULT_FILES_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "batch/batch_inputs.h"
#include "mammocad/status.h"

namespace mammocad {

// One file's rows (each one line, with its '\n'), as Append records them.
struct ResultRow {
  BatchInput input;
  bool failed = false;
  std::string json_line;
  std::string csv_line;
};

class ResultFiles {
 public:
  // Opens (creating `dir` and the files when absent) <dir>/<stem>.{jsonl,csv,journal},
  // recovering from a torn end as above; a new CSV starts with `csv_header` (a line). Errors:
  // kIoError naming the file, also when a results file is shorter than its journal says
  // (results edited or lost: use a new folder).
  static Status Open(const std::string& dir, const std::string& stem,
                     const std::string& csv_header, std::unique_ptr<ResultFiles>* files);
  ~ResultFiles();
  ResultFiles(const ResultFiles&) = delete;
  ResultFiles& operator=(const ResultFiles&) = delete;

  // True when the journal has `input` with the same size and modification time.
  bool IsDone(const BatchInput& input) const;
  // Paths whose latest journalled row is an error row, this run's included (the exit status).
  int failed_in_journal() const;

  // Appends the files' rows, flushes them to disk, then appends their journal lines and
  // flushes those (a group commit: one flush per file for any number of rows). Errors:
  // kIoError (the run should stop: nothing more can be recorded).
  Status Append(const std::vector<ResultRow>& rows);
  // One file's rows, as above.
  Status Append(const BatchInput& input, bool failed, std::string_view json_line,
                std::string_view csv_line);

  std::string jsonl_path() const { return base_ + ".jsonl"; }
  std::string csv_path() const { return base_ + ".csv"; }
  std::string journal_path() const { return base_ + ".journal"; }

 private:
  ResultFiles() = default;
  Status Recover(const std::string& csv_header);

  using Key = std::tuple<std::string, std::uint64_t, std::int64_t>;  // path, size, mtime
  std::string base_;
  int jsonl_fd_ = -1, csv_fd_ = -1, journal_fd_ = -1;
  std::uint64_t jsonl_length_ = 0, csv_length_ = 0;
  std::set<Key> done_;
  std::map<std::string, bool> latest_failed_;  // by path: its latest row is an error row
};

// The journal's line for a file: "<jsonl length>\t<csv length>\t<ok|failed>\t<size>\t<mtime>\t
// <path>\n", the path with '%', tab, CR and LF written as %25, %09, %0D, %0A. Exposed for tests.
std::string JournalLine(std::uint64_t jsonl_length, std::uint64_t csv_length, bool failed,
                        const BatchInput& input);

}  // namespace mammocad

#endif  // MAMMOCAD_BATCH_RESULT_FILES_H_
