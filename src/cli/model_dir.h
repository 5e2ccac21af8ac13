// Where the binary finds the model files it ships with: <its directory>/../share/mammocad/models,
// so an installed tree (cmake --install, any prefix) and the build tree (build/src/mammocad,
// build/share/mammocad/models) both work. `--model` and the config's `model` override it.
#ifndef MAMMOCAD_CLI_MODEL_DIR_H_
#define MAMMOCAD_CLI_MODEL_DIR_H_

#include <string>

namespace mammocad {

// The models folder next to the running binary; "share/mammocad/models" relative to the
// working directory if the binary's own path cannot be read (no /proc).
std::string ModelDirectory();

}  // namespace mammocad

#endif  // MAMMOCAD_CLI_MODEL_DIR_H_
