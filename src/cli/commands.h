// Subcommands defined outside main.cc. Each Add*Command registers its options on `app` and
// returns the subcommand plus the function that runs it (after parsing) and gives the exit code.
#ifndef MAMMOCAD_CLI_COMMANDS_H_
#define MAMMOCAD_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "eval/evaluation.h"

namespace mammocad {

struct Subcommand {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// `mammocad eval`: FROC of the detector on a folder with ground truth, or on synthetic images.
Subcommand AddEvalCommand(CLI::App& app);

// `mammocad train`: trains the learned candidate scorer on simulated data.
Subcommand AddTrainCommand(CLI::App& app);

// `mammocad patches`: writes the neural scorer's training patches.
Subcommand AddPatchesCommand(CLI::App& app);

// `mammocad calibrate-clusters`: fits a neural model's cluster calibration.
Subcommand AddCalibrateCommand(CLI::App& app);

// `mammocad batch`: files, folders and DICOMDIRs analysed into resumable JSON Lines and CSV.
Subcommand AddBatchCommand(CLI::App& app);

// `mammocad params`: prints the detector parameter reference (docs/detector-params.md).
Subcommand AddParamsCommand(CLI::App& app);

// `--threads N` of the offline commands (eval, train, patches, calibrate-clusters): images
// processed at once, 0 meaning one per core; ThreadsToUse resolves the 0.
void AddThreadsOption(CLI::App* command, int* threads);
int ThreadsToUse(int requested);

// `--fold K --folds N` of the commands that learn from the NORM films of a MIAS folder
// (patches, calibrate-clusters): leave out the films a fold model is evaluated on
// (TrainingFoldNormals, eval/evaluation.h). Each needs the other.
void AddFoldOptions(CLI::App* command, int* fold, int* folds);

// Reliability of probabilities against 0/1 outcomes: per tenth of probability, the count, the
// mean probability and the true fraction (a reliability plot as a table).
void PrintReliability(const std::vector<double>& probabilities, const std::vector<int>& labels);

// The FROC table `mammocad eval` prints, and its output files (curves as CSV, findings, SVG
// plot) in `out_dir`; `comparison` (may be null) is plotted as a further cluster curve.
void PrintEvaluationReport(const EvaluationReport& report);
Status WriteEvaluationOutputs(const EvaluationReport& report, const std::string& scorer_name,
                              const EvaluationReport* comparison, const std::string& title,
                              const std::string& out_dir);

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_COMMANDS_H_
