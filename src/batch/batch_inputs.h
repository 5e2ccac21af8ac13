// What `mammocad batch` analyses: the files named on its command line and, below each folder
// named there, every file that is an image by content (the format table's magic bytes,
// decode/image_formats.h) or by extension (so a damaged "x.dcm" still gets its error row),
// plus the image files each DICOMDIR found references. Sorted and without duplicates, so that
// the same archive always gives the same list. Thread-safety: plain functions.
#ifndef MAMMOCAD_BATCH_BATCH_INPUTS_H_
#define MAMMOCAD_BATCH_BATCH_INPUTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad {

struct BatchInput {
  std::string path;  // the argument joined with the path below it: rows and the journal
  // Below the argument it was found under (a file argument: its name). The shard key: the same
  // archive mounted elsewhere splits the same way.
  std::string relative_path;
  std::uint64_t size_bytes = 0;
  std::int64_t mtime_ns = 0;  // last modification, ns since the epoch
  // Not ok when the file cannot be analysed whatever the detector does (a named path that
  // does not exist, a DICOMDIR's missing or damaged reference): its row reports this error.
  Status listing_error;
};

struct BatchListing {
  std::vector<BatchInput> inputs;  // sorted by path, each path once
  int skipped_not_images = 0;      // files in folders that are neither images nor DICOMDIRs
  int dicomdirs = 0;               // DICOMDIRs followed
};

// Lists `paths` (files and folders, folders recursively; symbolic links to folders are not
// followed, so a link cannot make a cycle). Files named explicitly are always listed; a
// DICOMDIR is followed wherever it is (its own bytes within limits.max_bytes). Problems with
// single files become BatchInput::listing_error; an unreadable folder entry is skipped.
BatchListing ListBatchInputs(const std::vector<std::string>& paths, const DecodeLimits& limits);

}  // namespace mammocad

#endif  // MAMMOCAD_BATCH_BATCH_INPUTS_H_
