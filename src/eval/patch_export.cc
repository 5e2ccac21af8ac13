#include "eval/patch_export.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <opencv2/imgcodecs.hpp>
#include <random>

#include "detector/candidate_trace.h"
#include "detector/model_nodes.h"
#include "eval/evaluation.h"
#include "mammocad/decode.h"

namespace mammocad {
namespace {

// One image's labelled, subsampled patches.
struct ImagePatches {
  cv::Mat patches;
  std::vector<std::uint8_t> labels;
  std::vector<float> weights, contrast;
};

// The image as a client would send it through lossy JPEG (8-bit, quality 60-95).
Status ThroughJpeg(const Image& image, std::uint64_t seed, Image* out) {
  const Image eight = image.pixels.depth() == CV_8U ? image : To8Bit(image);
  std::mt19937_64 rng(seed);
  const int quality = std::uniform_int_distribution<int>(60, 95)(rng);
  std::vector<uchar> jpeg;
  if (!cv::imencode(".jpg", eight.pixels, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality})) {
    return Status(ErrorCode::kInternal, "JPEG encoding failed");
  }
  const double spacing = image.file_spacing_mm;
  if (Status s = DecodeImage(std::string_view(reinterpret_cast<const char*>(jpeg.data()),
                                              jpeg.size()),
                             DecodeLimits(), out);
      !s.ok()) {
    return s;
  }
  out->file_spacing_mm = spacing;
  return Status::Ok();
}

// A real film with simulated clusters, and now 1-3 benign calcifications and 0-1 artefacts
// clear of the clusters; a film without room for them stays as it is.
void AddBenignToFilm(std::uint64_t seed, SyntheticMammogram* m) {
  BenignOptions b;
  b.spacing_mm = m->image.file_spacing_mm;
  b.seed = seed ^ 0xBE9ull;
  b.benign = 1 + static_cast<int>(seed % 3);
  b.artefacts = static_cast<int>((seed >> 8) % 2);
  b.keep_clear = ClusterDiscBoxes(m->clusters);
  SyntheticMammogram with;
  if (!InsertBenignFindings(m->image, InsertionRegion(m->image, b.spacing_mm), b, &with).ok()) {
    return;
  }
  with.clusters = m->clusters;
  *m = std::move(with);
}

// The factor on the spacing the detector is told for the image of `seed` (spacing_jitter).
double SpacingFactor(double jitter, std::uint64_t seed) {
  if (jitter <= 0) return 1.0;
  std::mt19937_64 rng(seed ^ 0x5CA1Eull);
  const double limit = std::log1p(jitter);
  return std::exp(std::uniform_real_distribution<double>(-limit, limit)(rng));
}

Status PatchesOf(const Detector& detector, const SyntheticMammogram& m,
                 const PatchExportOptions& options, std::uint64_t seed, ImagePatches* out) {
  const double spacing = m.image.file_spacing_mm;
  std::vector<TruthLesion> spots;
  for (const SyntheticCluster& c : m.clusters) {
    for (const SyntheticSpot& s : c.spots) {
      spots.push_back(SpotCircle(s, spacing, options.min_spot_hit_radius_mm));
    }
  }
  DetectOptions detect;
  detect.spacing_override_mm = spacing * SpacingFactor(options.spacing_jitter, seed);
  detect.level = FindingLevel::kCalcification;
  detect.max_threads = 1;  // the same patches whatever the machine's load
  DetectionResult result;
  CandidateTrace trace;
  trace.patch_geometry = &options.geometry;
  if (Status s = DetectWithTrace(detector, m.image, detect, &result, &trace); !s.ok()) return s;
  const int n = static_cast<int>(trace.candidates.size());
  std::vector<int> negatives;
  std::vector<std::uint8_t> label(n);
  for (int i = 0; i < n; ++i) {
    label[i] = MatchLesion(trace.candidates[i].box, spots) >= 0;
    if (!label[i]) negatives.push_back(i);
  }
  std::mt19937_64 rng(seed);
  std::shuffle(negatives.begin(), negatives.end(), rng);
  const int kept_negatives = std::min<int>(negatives.size(), options.negatives_per_image);
  const float negative_weight =
      kept_negatives > 0 ? static_cast<float>(negatives.size()) / kept_negatives : 1.0f;
  std::vector<bool> keep(n, false);
  for (int i = 0; i < n; ++i) keep[i] = label[i];
  for (int k = 0; k < kept_negatives; ++k) keep[negatives[k]] = true;
  std::vector<int> kept;
  for (int i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    kept.push_back(i);
    out->labels.push_back(label[i]);
    out->weights.push_back(label[i] ? 1.0f : negative_weight);
    out->contrast.push_back(static_cast<float>(trace.candidates[i].contrast));
  }
  if (!kept.empty()) {
    // The kept rows of the trace's blob, copied straight into this image's blob.
    std::vector<int> dims(trace.patches.size.p, trace.patches.size.p + trace.patches.dims);
    dims[0] = static_cast<int>(kept.size());
    out->patches.create(static_cast<int>(dims.size()), dims.data(), CV_32F);
    const size_t per = trace.patches.total() / static_cast<size_t>(n);
    for (size_t r = 0; r < kept.size(); ++r) {
      const float* row = trace.patches.ptr<float>() + static_cast<size_t>(kept[r]) * per;
      std::copy(row, row + per, out->patches.ptr<float>() + r * per);
    }
  }
  return Status::Ok();
}

// `part`'s patches after `all`'s.
void Append(ImagePatches part, ImagePatches* all) {
  if (part.labels.empty()) return;
  if (all->labels.empty()) {
    *all = std::move(part);
    return;
  }
  std::vector<int> dims(all->patches.size.p, all->patches.size.p + all->patches.dims);
  dims[0] += part.patches.size[0];
  cv::Mat joined(static_cast<int>(dims.size()), dims.data(), CV_32F);
  float* out = joined.ptr<float>();
  out = std::copy(all->patches.ptr<float>(), all->patches.ptr<float>() + all->patches.total(), out);
  std::copy(part.patches.ptr<float>(), part.patches.ptr<float>() + part.patches.total(), out);
  all->patches = joined;
  all->labels.insert(all->labels.end(), part.labels.begin(), part.labels.end());
  all->weights.insert(all->weights.end(), part.weights.begin(), part.weights.end());
  all->contrast.insert(all->contrast.end(), part.contrast.begin(), part.contrast.end());
}

template <typename T>
Status WriteRaw(const std::filesystem::path& path, const T* data, size_t count) {
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(reinterpret_cast<const char*>(data),
                         static_cast<std::streamsize>(count * sizeof(T)))) {
    return Status(ErrorCode::kIoError, "cannot write '" + path.string() + "'");
  }
  return Status::Ok();
}

}  // namespace

DetectorParams PatchExportOptions::DefaultNeuralStage() {
  DetectorParams p;
  p.candidate_threshold_sigma = 4.0;
  p.background_ratio = 2.5;
  p.max_lineness = 0.7;
  return p;
}

Status ExportPatches(const PatchExportOptions& options, const ProgressCallback& progress,
                     PatchSet* set) {
  *set = PatchSet();
  const Detector detector(options.params);
  const int synthetic = std::max(0, options.images);
  const int films = static_cast<int>(options.normal_films.size());
  const int n = synthetic + films;
  const SyntheticSource films_source = InsertionSource(
      options.normal_films, options.film_spacing_mm, options.seed ^ 0x9A7C4ull, 1);
  std::vector<ImagePatches> per_image(n);
  const auto one = [&](int i) -> Status {
    const std::uint64_t seed = SyntheticSeed(options.seed, i);
    SyntheticMammogram m;
    if (i < synthetic) {
      const double spacing = options.spacings_mm[i % options.spacings_mm.size()];
      SyntheticOptions o = RealisticSyntheticOptions(spacing, seed, options.max_side_px);
      if (options.benign_and_artefacts) o = WithBenignAndArtefacts(o, seed);
      m = MakeSyntheticMammogram(o);
    } else {
      if (Status s = films_source(i - synthetic, &m); !s.ok()) return s;
      if (options.benign_and_artefacts) AddBenignToFilm(seed, &m);
    }
    if (options.jpeg_copies) {
      // The image as it is, and again through JPEG: every sample is seen both ways.
      if (Status s = PatchesOf(detector, m, options, seed, &per_image[i]); !s.ok()) return s;
      Image lossy;
      if (Status s = ThroughJpeg(m.image, seed, &lossy); !s.ok()) return s;
      m.image = std::move(lossy);
      ImagePatches copy;
      if (Status s = PatchesOf(detector, m, options, seed ^ 0x4A7Eull, &copy); !s.ok()) return s;
      Append(std::move(copy), &per_image[i]);
      return Status::Ok();
    }
    if (options.jpeg_every > 0 && i % options.jpeg_every == options.jpeg_every - 1) {
      Image lossy;
      if (Status s = ThroughJpeg(m.image, seed, &lossy); !s.ok()) return s;
      m.image = std::move(lossy);
    }
    return PatchesOf(detector, m, options, seed, &per_image[i]);
  };
  if (Status s = FanOut(n, options.threads, one, progress); !s.ok()) return s;
  size_t total = 0;
  for (const ImagePatches& p : per_image) total += p.labels.size();
  const int s = options.geometry.size_px;
  const int dims[] = {static_cast<int>(total), options.geometry.channels, s, s};
  if (total > 0) set->patches.create(4, dims, CV_32F);
  size_t at = 0;
  for (int i = 0; i < n; ++i) {
    const ImagePatches& p = per_image[i];
    if (!p.patches.empty()) {
      std::copy(p.patches.ptr<float>(), p.patches.ptr<float>() + p.patches.total(),
                set->patches.ptr<float>() + at);
      at += p.patches.total();
    }
    set->labels.insert(set->labels.end(), p.labels.begin(), p.labels.end());
    set->weights.insert(set->weights.end(), p.weights.begin(), p.weights.end());
    set->contrast.insert(set->contrast.end(), p.contrast.begin(), p.contrast.end());
    set->image_index.insert(set->image_index.end(), p.labels.size(), i);
  }
  set->images = n;
  return Status::Ok();
}

Status WritePatchSet(const PatchSet& set, const PatchExportOptions& options,
                     const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot create '" + dir + "': " + ec.message());
  const std::filesystem::path d(dir);
  const size_t n = set.labels.size();
  if (Status s = WriteRaw(d / "patches.f32", set.patches.empty() ? nullptr
                                                                 : set.patches.ptr<float>(),
                          set.patches.total());
      !s.ok()) {
    return s;
  }
  if (Status s = WriteRaw(d / "labels.u8", set.labels.data(), n); !s.ok()) return s;
  if (Status s = WriteRaw(d / "weights.f32", set.weights.data(), n); !s.ok()) return s;
  if (Status s = WriteRaw(d / "images.i32", set.image_index.data(), n); !s.ok()) return s;
  if (Status s = WriteRaw(d / "contrast.f32", set.contrast.data(), n); !s.ok()) return s;
  const std::string meta = (d / "meta.yml").string();
  try {
    cv::FileStorage fs(meta, cv::FileStorage::WRITE);
    if (!fs.isOpened()) return Status(ErrorCode::kIoError, "cannot write '" + meta + "'");
    int positives = 0;
    for (std::uint8_t l : set.labels) positives += l;
    fs << "patches" << static_cast<int>(n) << "positives" << positives;
    fs << "images" << set.images << "synthetic_images" << options.images;
    fs << "normal_films" << static_cast<int>(options.normal_films.size());
    fs << "seed" << std::to_string(options.seed);
    fs << "jpeg_every" << options.jpeg_every;
    fs << "jpeg_copies" << static_cast<int>(options.jpeg_copies);
    fs << "spacing_jitter" << options.spacing_jitter;
    fs << "benign_and_artefacts" << static_cast<int>(options.benign_and_artefacts);
    fs << "patch_size_px" << options.geometry.size_px;
    fs << "patch_spacing_mm" << options.geometry.spacing_mm;
    fs << "patch_channels" << options.geometry.channels;
    fs << "patch_noise" << PatchNoiseName(options.geometry.noise);
    WriteFittedSettings(options.params, fs);
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kIoError, "cannot write '" + meta + "': " + e.what());
  }
  return Status::Ok();
}

}  // namespace mammocad
