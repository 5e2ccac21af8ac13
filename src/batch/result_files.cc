#include "batch/result_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace mammocad {
namespace {

Status IoError(const std::string& what, const std::string& path) {
  return Status(ErrorCode::kIoError,
                what + " '" + path + "': " + std::strerror(errno ? errno : EIO));
}

std::string EscapePath(const std::string& path) {
  std::string out;
  for (const char c : path) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\t': out += "%09"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string UnescapePath(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const std::string_view code = text.substr(i + 1, 2);
      const char c = code == "25" ? '%' : code == "09" ? '\t' : code == "0D" ? '\r'
                   : code == "0A" ? '\n' : '\0';
      if (c != '\0') {
        out += c;
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

template <typename Number>
bool ParseNumber(std::string_view text, Number* value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

struct JournalEntry {
  std::uint64_t jsonl_length = 0, csv_length = 0;
  bool failed = false;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string path;
};

bool ParseJournalLine(std::string_view line, JournalEntry* entry) {
  std::vector<std::string_view> fields;
  for (int i = 0; i < 5; ++i) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return false;
    fields.push_back(line.substr(0, tab));
    line.remove_prefix(tab + 1);
  }
  if (line.empty() || (fields[2] != "ok" && fields[2] != "failed")) return false;
  entry->failed = fields[2] == "failed";
  entry->path = UnescapePath(line);
  return ParseNumber(fields[0], &entry->jsonl_length) &&
         ParseNumber(fields[1], &entry->csv_length) && ParseNumber(fields[3], &entry->size) &&
         ParseNumber(fields[4], &entry->mtime_ns);
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("cannot write", path);
    bytes.remove_prefix(std::size_t(n));
  }
  return Status::Ok();
}

Status Sync(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) return IoError("cannot flush", path);
  return Status::Ok();
}

Status OpenAppending(const std::string& path, int* fd) {
  *fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (*fd < 0) return IoError("cannot open", path);
  return Status::Ok();
}

std::uint64_t LengthOf(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 ? std::uint64_t(info.st_size) : 0;
}

Status CutTo(int fd, std::uint64_t length, const std::string& path) {
  if (LengthOf(fd) < length) {
    return Status(ErrorCode::kIoError, "'" + path + "' is shorter than its journal says: the "
                                       "results were edited or lost; use a new --out folder");
  }
  if (::ftruncate(fd, off_t(length)) != 0) return IoError("cannot truncate", path);
  return Status::Ok();
}

}  // namespace

std::string JournalLine(std::uint64_t jsonl_length, std::uint64_t csv_length, bool failed,
                        const BatchInput& input) {
  return std::to_string(jsonl_length) + '\t' + std::to_string(csv_length) + '\t' +
         (failed ? "failed" : "ok") + '\t' + std::to_string(input.size_bytes) + '\t' +
         std::to_string(input.mtime_ns) + '\t' + EscapePath(input.path) + '\n';
}

Status ResultFiles::Open(const std::string& dir, const std::string& stem,
                         const std::string& csv_header, std::unique_ptr<ResultFiles>* files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec && !std::filesystem::is_directory(dir)) {
    return Status(ErrorCode::kIoError, "cannot create the folder '" + dir + "'");
  }
  std::unique_ptr<ResultFiles> opened(new ResultFiles());
  opened->base_ = (std::filesystem::path(dir) / stem).string();
  if (Status s = OpenAppending(opened->jsonl_path(), &opened->jsonl_fd_); !s.ok()) return s;
  if (Status s = OpenAppending(opened->csv_path(), &opened->csv_fd_); !s.ok()) return s;
  if (Status s = OpenAppending(opened->journal_path(), &opened->journal_fd_); !s.ok()) return s;
  if (Status s = opened->Recover(csv_header); !s.ok()) return s;
  *files = std::move(opened);
  return Status::Ok();
}

Status ResultFiles::Recover(const std::string& csv_header) {
  std::ifstream in(journal_path(), std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  const std::string journal = content.str();
  std::uint64_t journal_kept = 0;  // bytes of whole, readable lines
  JournalEntry last;
  bool any = false;
  for (std::size_t start = 0; start < journal.size();) {
    const std::size_t end = journal.find('\n', start);
    if (end == std::string::npos) break;  // torn last line
    JournalEntry entry;
    if (!ParseJournalLine(std::string_view(journal).substr(start, end - start), &entry)) break;
    done_.emplace(entry.path, entry.size, entry.mtime_ns);
    latest_failed_[entry.path] = entry.failed;
    last = entry;
    any = true;
    start = end + 1;
    journal_kept = start;
  }
  if (Status s = CutTo(journal_fd_, journal_kept, journal_path()); !s.ok()) return s;
  if (!any) {  // a new run, or one killed before its first row: start the results afresh
    if (Status s = CutTo(jsonl_fd_, 0, jsonl_path()); !s.ok()) return s;
    if (Status s = CutTo(csv_fd_, 0, csv_path()); !s.ok()) return s;
    if (Status s = WriteAll(csv_fd_, csv_header, csv_path()); !s.ok()) return s;
    if (Status s = Sync(csv_fd_, csv_path()); !s.ok()) return s;
    jsonl_length_ = 0;
    csv_length_ = csv_header.size();
    return Status::Ok();
  }
  if (Status s = CutTo(jsonl_fd_, last.jsonl_length, jsonl_path()); !s.ok()) return s;
  if (Status s = CutTo(csv_fd_, last.csv_length, csv_path()); !s.ok()) return s;
  jsonl_length_ = last.jsonl_length;
  csv_length_ = last.csv_length;
  return Status::Ok();
}

ResultFiles::~ResultFiles() {
  for (const int fd : {jsonl_fd_, csv_fd_, journal_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

int ResultFiles::failed_in_journal() const {
  int failed = 0;
  for (const auto& [path, is_failed] : latest_failed_) failed += is_failed ? 1 : 0;
  return failed;
}

bool ResultFiles::IsDone(const BatchInput& input) const {
  return done_.count(Key(input.path, input.size_bytes, input.mtime_ns)) > 0;
}

Status ResultFiles::Append(const BatchInput& input, bool failed, std::string_view json_line,
                           std::string_view csv_line) {
  return Append({ResultRow{input, failed, std::string(json_line), std::string(csv_line)}});
}

Status ResultFiles::Append(const std::vector<ResultRow>& rows) {
  if (rows.empty()) return Status::Ok();
  std::string json, csv, journal;
  std::uint64_t jsonl_length = jsonl_length_, csv_length = csv_length_;
  for (const ResultRow& row : rows) {
    json += row.json_line;
    csv += row.csv_line;
    jsonl_length += row.json_line.size();
    csv_length += row.csv_line.size();
    journal += JournalLine(jsonl_length, csv_length, row.failed, row.input);
  }
  if (Status s = WriteAll(jsonl_fd_, json, jsonl_path()); !s.ok()) return s;
  if (Status s = WriteAll(csv_fd_, csv, csv_path()); !s.ok()) return s;
  if (Status s = Sync(jsonl_fd_, jsonl_path()); !s.ok()) return s;
  if (Status s = Sync(csv_fd_, csv_path()); !s.ok()) return s;
  jsonl_length_ = jsonl_length;
  csv_length_ = csv_length;
  if (Status s = WriteAll(journal_fd_, journal, journal_path()); !s.ok()) return s;
  if (Status s = Sync(journal_fd_, journal_path()); !s.ok()) return s;
  for (const ResultRow& row : rows) {
    done_.emplace(row.input.path, row.input.size_bytes, row.input.mtime_ns);
    latest_failed_[row.input.path] = row.failed;
  }
  return Status::Ok();
}

}  // namespace mammocad
