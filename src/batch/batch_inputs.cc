#include "batch/batch_inputs.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "decode/image_formats.h"
#include "mammocad/decode.h"
#include "mammocad/dicom.h"

namespace mammocad {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kHeadBytes = 4096;  // enough for every sniff and a DICOM meta header

std::string ReadHead(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(kHeadBytes, '\0');
  in.read(head.data(), std::streamsize(head.size()));
  head.resize(in ? head.size() : std::size_t(std::max<std::streamsize>(in.gcount(), 0)));
  return head;
}

class Lister {
 public:
  explicit Lister(const DecodeLimits& limits) : limits_(limits) {}

  void AddArgument(const std::string& argument) {
    std::error_code ec;
    const fs::path path(argument);
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      AddFailed(argument, path.filename().string(),
                Status(ErrorCode::kIoError, "'" + argument + "' does not exist"));
    } else if (fs::is_directory(status)) {
      AddFolder(path);
    } else {
      AddFile(path, path.filename().string(), /*named=*/true);
    }
  }

  BatchListing Finish() {
    for (auto& [path, input] : inputs_) listing_.inputs.push_back(std::move(input));
    return std::move(listing_);
  }

 private:
  void AddFolder(const fs::path& root) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                             ec),
         end;
         !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_regular_file(type_ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      AddFile(file, file.lexically_relative(root).generic_string(), /*named=*/false);
    }
  }

  void AddFile(const fs::path& path, const std::string& relative, bool named) {
    const std::string head = ReadHead(path);
    if (IsDicomdir(head)) {
      FollowDicomdir(path, relative);
      return;
    }
    if (!named && SniffFormatInfo(head) == nullptr && !HasImageFileExtension(path.string())) {
      ++listing_.skipped_not_images;
      return;
    }
    Add(path.string(), relative, Status::Ok());
  }

  void FollowDicomdir(const fs::path& path, const std::string& relative) {
    ++listing_.dicomdirs;
    std::string bytes;
    Status status = ReadFileBytes(path.string(), &bytes);
    std::vector<std::string> references;
    if (status.ok()) status = ReadDicomdirReferences(bytes, limits_, &references);
    if (!status.ok()) {  // the DICOMDIR itself gets the error row
      AddFailed(path.string(), relative, status);
      return;
    }
    const fs::path folder = path.parent_path();
    const fs::path relative_folder = fs::path(relative).parent_path();
    for (const std::string& reference : references) {
      Add((folder / reference).string(), (relative_folder / reference).generic_string(),
          Status::Ok());
    }
  }

  void Add(const std::string& path, const std::string& relative, Status listing_error) {
    if (inputs_.count(path)) return;  // a DICOMDIR's files are usually in the folder too
    BatchInput input;
    input.path = path;
    input.relative_path = relative;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (listing_error.ok() && (ec || !fs::is_regular_file(status))) {
      listing_error = Status(ErrorCode::kIoError, "'" + path + "' is not a readable file");
    }
    struct stat info {};
    if (listing_error.ok() && ::stat(path.c_str(), &info) == 0) {
      // stat's clock, not std::filesystem's (libstdc++ counts from another epoch).
      input.size_bytes = std::uint64_t(info.st_size);
      input.mtime_ns = std::int64_t(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    }
    input.listing_error = std::move(listing_error);
    inputs_.emplace(path, std::move(input));
  }

  void AddFailed(const std::string& path, const std::string& relative, Status error) {
    Add(path, relative, std::move(error));
  }

  DecodeLimits limits_;
  std::map<std::string, BatchInput> inputs_;  // by path: sorted, each once
  BatchListing listing_;
};

}  // namespace

BatchListing ListBatchInputs(const std::vector<std::string>& paths, const DecodeLimits& limits) {
  Lister lister(limits);
  for (const std::string& path : paths) lister.AddArgument(path);
  return lister.Finish();
}

}  // namespace mammocad
