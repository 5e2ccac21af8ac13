// `mammocad patches`: the neural scorer's training data (src/eval/patch_export.h) written to a
// folder that training/train_neural.py reads (docs/neural-scoring.md).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "detector/param_overrides.h"
#include "eval/evaluation.h"
#include "eval/ground_truth.h"
#include "eval/mias.h"
#include "eval/patch_export.h"

namespace mammocad {
namespace {

struct PatchFlags {
  PatchExportOptions options;
  std::string out = "patches-out";
  std::string normals_dir;
  int fold = -1, folds = 0;
  int threads = 0;
  std::vector<std::string> param_overrides;  // NAME=VALUE on the candidate stage
  std::string patch_noise = "pixel";
};

int RunPatches(PatchFlags flags) {
  flags.options.threads = ThreadsToUse(flags.threads);
  ParsePatchNoise(flags.patch_noise, &flags.options.geometry.noise);  // checked by CLI11
  for (const std::string& assignment : flags.param_overrides) {
    if (Status s = ApplyParamOverride(assignment, &flags.options.params); !s.ok()) {
      std::fprintf(stderr, "mammocad patches: %s\n", s.ToString().c_str());
      return 2;
    }
  }
  if (!flags.normals_dir.empty()) {
    if (Status s = TrainingFoldNormals(flags.normals_dir, flags.fold, flags.folds,
                                       &flags.options.normal_films);
        !s.ok()) {
      std::fprintf(stderr, "mammocad patches: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  ProgressBar bar("patches");
  PatchSet set;
  Status s = ExportPatches(flags.options, [&bar](int done, int total) { bar.Update(done, total); },
                           &set);
  if (s.ok()) s = WritePatchSet(set, flags.options, flags.out);
  if (!s.ok()) {
    std::fprintf(stderr, "mammocad patches: %s\n", s.ToString().c_str());
    return 1;
  }
  int positives = 0;
  for (std::uint8_t l : set.labels) positives += l;
  std::printf("%d images, %zu patches (%d true) written to %s\n", set.images, set.labels.size(),
              positives, flags.out.c_str());
  return 0;
}

}  // namespace

Subcommand AddPatchesCommand(CLI::App& app) {
  auto flags = std::make_shared<PatchFlags>();
  CLI::App* patches = app.add_subcommand(
      "patches", "write the neural scorer's training patches (synthetic images, normal films)");
  patches->add_option("--out", flags->out, "folder to write")->capture_default_str();
  patches->add_option("--seed", flags->options.seed, "seed of everything")->capture_default_str();
  patches->add_option("--images", flags->options.images, "realistic synthetic images")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  patches->add_option("--max-side", flags->options.max_side_px, "synthetic image side cap")
      ->capture_default_str()->check(CLI::Range(256, 8192));
  patches->add_option("--normals", flags->normals_dir,
                      "also insert simulated clusters into the NORM films of this MIAS folder");
  AddFoldOptions(patches, &flags->fold, &flags->folds);
  patches->add_option("--param", flags->param_overrides,
                      "a setting of the candidate stage the network will sit behind, NAME=VALUE "
                      "(repeatable; recorded in the model's fitted settings)");
  patches->add_option("--jpeg-every", flags->options.jpeg_every,
                      "every N-th image through lossy JPEG (quality 60-95); 0: none")
      ->capture_default_str()->check(CLI::Range(0, 1000));
  patches->add_flag("--jpeg-copies", flags->options.jpeg_copies,
                    "every image twice: as it is and through lossy JPEG (instead of --jpeg-every)");
  patches->add_flag("!--no-benign", flags->options.benign_and_artefacts,
                    "do not draw benign calcifications and artefacts (hard negatives)");
  patches->add_option("--negatives-per-image", flags->options.negatives_per_image,
                      "false candidates kept per image (weighted back)")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  patches->add_option("--spacing-jitter", flags->options.spacing_jitter,
                      "analyse each image as if its spacing were off by a factor up to 1 + J "
                      "either way (scale augmentation); 0: the true spacing")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  patches->add_option("--patch-noise", flags->patch_noise,
                      "what the image channel is divided by: pixel (the 3x3 grain, as the "
                      "shipped models) or band (the noise at 0.15-0.4 mm, which JPEG keeps)")
      ->capture_default_str()->check(CLI::IsMember({"pixel", "band"}));
  AddThreadsOption(patches, &flags->threads);
  return {patches, [flags] { return RunPatches(*flags); }};
}

}  // namespace mammocad
