// Subcommands defined outside main.cc. Each Add*Command registers its options on `app` and
// returns the subcommand plus the function that runs it (after parsing) and gives the exit code.
#ifndef MAMMOCAD_CLI_COMMANDS_H_
#define MAMMOCAD_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace mammocad {

struct Subcommand {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// `mammocad eval`: FROC of the detector on a folder with ground truth, or on synthetic images.
Subcommand AddEvalCommand(CLI::App& app);

// `mammocad train`: trains the learned candidate scorer on simulated data.
Subcommand AddTrainCommand(CLI::App& app);

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_COMMANDS_H_
