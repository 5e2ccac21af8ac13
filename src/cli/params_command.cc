// `mammocad params`: the detector parameter reference (docs/detector-params.md), generated
// from the one parameter table.
#include <cstdio>

#include "cli/commands.h"
#include "detector/param_overrides.h"

namespace mammocad {

Subcommand AddParamsCommand(CLI::App& app) {
  CLI::App* params = app.add_subcommand(
      "params", "print the detector parameters (name, default, range, meaning) as Markdown");
  return {params, [] {
            std::fputs(ParamReferenceMarkdown().c_str(), stdout);
            return 0;
          }};
}

}  // namespace mammocad
