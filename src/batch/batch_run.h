// The loop of `mammocad batch`: files analysed several at once, each file's rows recorded
// (result_files.h) as soon as it is done, a failing file recorded as an error row while the
// run goes on.
//
// Parallelism: `images_in_flight` workers, each reading, decoding and analysing one file at a
// time; inside each, the detector splits its heavy stages over the cores idle at that moment
// (src/detector/parallel.h), so a lone image still uses every core. The calling thread
// records the rows, all those ready at once (one flush per result file), so the workers never
// wait for the disk. Memory: at most images_in_flight files and their images, and as many
// rows waiting, at once; a crash loses at most those (result_files.h).
// Thread-safety: RunBatch is called from one thread; it serialises its own calls to `files`,
// `progress` and the extra outputs' results.
#ifndef MAMMOCAD_BATCH_BATCH_RUN_H_
#define MAMMOCAD_BATCH_BATCH_RUN_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "batch/batch_inputs.h"
#include "batch/result_files.h"
#include "service/analysis.h"

namespace mammocad {

// A further output per analysed image (such as a DICOM CAD report), run on the worker that
// analysed it, before its rows are written; an error turns the image's row into an error row
// with that error. Must be safe to call from several threads at once.
using ExtraImageOutput = std::function<Status(
    const BatchInput& input, std::string_view file_bytes, const ImageAnalysis& analysis)>;

struct BatchRunOptions {
  int images_in_flight = 2;  // >= 1
  DetectOptions detect;
  std::vector<ExtraImageOutput> extra_outputs;
  // Called after each file is recorded, with the files done and the files to do in this run.
  std::function<void(int done, int total)> progress;
};

struct BatchSummary {
  int analysed = 0;          // rows of images written in this run
  int failed = 0;            // error rows written in this run
  double seconds = 0.0;      // wall time of this run
  double images_per_second = 0.0;  // (analysed + failed) / seconds
};

// Analyses every input of `todo` (listing errors become error rows without reading) and
// records each in `files`. Errors: kIoError when a row cannot be recorded (the run stops after
// the files in flight); a file's own failure is never an error of the run.
Status RunBatch(const std::vector<BatchInput>& todo, const Analyzer& analyzer,
                const BatchRunOptions& options, ResultFiles* files, BatchSummary* summary);

}  // namespace mammocad

#endif  // MAMMOCAD_BATCH_BATCH_RUN_H_
