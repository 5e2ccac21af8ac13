// Learned candidate scoring: features, the forest, Platt calibration, the model file
// (include/mammocad/scoring.h, docs/learned-scoring.md).
#include "mammocad/scoring.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>

namespace mammocad {
namespace {

// Calcification diameters (mm) at which the per-scale contrast features are measured; fixed in
// mm (not the detector's deduplicated scales) so that a feature means the same at any spacing.
constexpr double kFeatureDiametersMm[] = {0.2, 0.45, 1.0};
constexpr double kLocalNoiseWindowMm = 2.0;
constexpr double kRegionalNoiseWindowMm = 16.0;
constexpr double kNeighbourhoodMm = 5.0;  // the detector's cluster link distance
constexpr double kTissueWindowMm = 2.0;   // the tissue around a candidate, for tissue_level
constexpr double kTissueLowPercentile = 0.05, kTissueHighPercentile = 0.95;
constexpr float kNoiseFloor = 1e-6f;

const char* const kModelKind = "mammocad-candidate-scorer";

float At(const cv::Mat1f& image, cv::Point2f p) {
  const int x = std::clamp(static_cast<int>(std::lround(p.x)), 0, image.cols - 1);
  const int y = std::clamp(static_cast<int>(std::lround(p.y)), 0, image.rows - 1);
  return image(y, x);
}

std::vector<double> GaussianWeights(double sigma, int radius) {
  std::vector<double> w(2 * radius + 1);
  for (int i = -radius; i <= radius; ++i) w[i + radius] = std::exp(-0.5 * i * i / (sigma * sigma));
  return w;
}

// Difference of Gaussians (sigma, 4 sigma) of `image` at one point, from the pixels around it
// only (weights renormalised at the image border): cheaper than filtering the whole image
// when there are few candidates.
double DogAt(const cv::Mat1f& image, cv::Point centre, double sigma) {
  const double wide = 4.0 * sigma;
  const int radius = static_cast<int>(std::ceil(3.0 * wide));
  const std::vector<double> narrow_w = GaussianWeights(sigma, radius);
  const std::vector<double> wide_w = GaussianWeights(wide, radius);
  double narrow_sum = 0, narrow_norm = 0, wide_sum = 0, wide_norm = 0;
  const int y0 = std::max(0, centre.y - radius), y1 = std::min(image.rows - 1, centre.y + radius);
  const int x0 = std::max(0, centre.x - radius), x1 = std::min(image.cols - 1, centre.x + radius);
  for (int y = y0; y <= y1; ++y) {
    const double ny = narrow_w[y - centre.y + radius], wy = wide_w[y - centre.y + radius];
    const float* row = image[y];
    double n_row = 0, n_norm = 0, w_row = 0, w_norm = 0;
    for (int x = x0; x <= x1; ++x) {
      const double nx = narrow_w[x - centre.x + radius], wx = wide_w[x - centre.x + radius];
      n_row += nx * row[x];
      n_norm += nx;
      w_row += wx * row[x];
      w_norm += wx;
    }
    narrow_sum += ny * n_row;
    narrow_norm += ny * n_norm;
    wide_sum += wy * w_row;
    wide_norm += wy * w_norm;
  }
  return narrow_sum / std::max(narrow_norm, 1e-12) - wide_sum / std::max(wide_norm, 1e-12);
}

// Mean |pixel - its 3x3 mean| over a window: the pixel noise level, in image units.
cv::Mat1f HighPassLevel(const cv::Mat1f& image, int window) {
  cv::Mat1f smooth, level;
  cv::blur(image, smooth, cv::Size(3, 3), cv::Point(-1, -1), cv::BORDER_REFLECT);
  cv::Mat1f magnitude = cv::abs(image - smooth);
  cv::blur(magnitude, level, cv::Size(window, window), cv::Point(-1, -1), cv::BORDER_REFLECT);
  return level;
}

// Like the detector's line test: along the best of 8 directions, the lower of the two responses
// at `radius_px` on either side, relative to the centre's response.
double Lineness(const cv::Mat1f& response, cv::Point2f centre, double radius_px) {
  const float peak = std::max(At(response, centre), 1e-6f);
  double most = -1.0;
  constexpr int kDirections = 8;
  for (int i = 0; i < kDirections; ++i) {
    const double angle = M_PI * i / kDirections;
    const cv::Point2f step(static_cast<float>(radius_px * std::cos(angle)),
                           static_cast<float>(radius_px * std::sin(angle)));
    most = std::max(most, static_cast<double>(std::min(At(response, centre + step),
                                                       At(response, centre - step))));
  }
  return most / peak;
}

// Mean response on a ring around the centre relative to the centre: how sharply it peaks.
double RingRatio(const cv::Mat1f& response, cv::Point2f centre, double radius_px) {
  const float peak = std::max(At(response, centre), 1e-6f);
  double sum = 0;
  constexpr int kSamples = 12;
  for (int i = 0; i < kSamples; ++i) {
    const double angle = 2 * M_PI * i / kSamples;
    sum += At(response, centre + cv::Point2f(static_cast<float>(radius_px * std::cos(angle)),
                                             static_cast<float>(radius_px * std::sin(angle))));
  }
  return sum / kSamples / peak;
}

struct Neighbourhood {
  int count = 0;
  float strongest_mean = 0.0f;  // mean contrast of the (up to) 2 strongest neighbours
};

std::vector<Neighbourhood> Neighbourhoods(const std::vector<Calcification>& calcs,
                                          double radius_px) {
  std::vector<Neighbourhood> out(calcs.size());
  const double r2 = radius_px * radius_px;
  for (size_t i = 0; i < calcs.size(); ++i) {
    float best = 0, second = 0;
    for (size_t j = 0; j < calcs.size(); ++j) {
      if (i == j) continue;
      const cv::Point2f d = calcs[i].centre - calcs[j].centre;
      if (d.dot(d) > r2) continue;
      ++out[i].count;
      const float c = static_cast<float>(calcs[j].contrast);
      if (c > best) { second = best; best = c; } else if (c > second) { second = c; }
    }
    const int strongest = std::min(out[i].count, 2);
    out[i].strongest_mean = strongest > 0 ? (best + (strongest == 2 ? second : 0)) / strongest : 0;
  }
  return out;
}

// The grey levels at the low and high percentiles of the breast (whole image if `breast` is
// empty): fatty and dense tissue of this image, whatever the scanner's grey scale.
std::pair<float, float> TissueRange(const cv::Mat1f& image, const cv::Mat1b& breast) {
  constexpr int kBins = 1024;
  std::vector<int> histogram(kBins, 0);
  int total = 0;
  for (int y = 0; y < image.rows; ++y) {
    const float* row = image[y];
    const unsigned char* inside = breast.empty() ? nullptr : breast[y];
    for (int x = 0; x < image.cols; ++x) {
      if (inside && !inside[x]) continue;
      ++histogram[std::clamp(static_cast<int>(row[x] * kBins), 0, kBins - 1)];
      ++total;
    }
  }
  const auto level_at = [&](double fraction) {
    const double wanted = fraction * total;
    int seen = 0;
    for (int b = 0; b < kBins; ++b) {
      seen += histogram[b];
      if (seen >= wanted) return (b + 0.5f) / kBins;
    }
    return 1.0f;
  };
  return {level_at(kTissueLowPercentile), level_at(kTissueHighPercentile)};
}

// Mean grey level of the window x window box around `centre` (clipped at the border).
float MeanAround(const cv::Mat1f& image, cv::Point centre, int window) {
  const cv::Rect box = cv::Rect(centre.x - window / 2, centre.y - window / 2, window, window) &
                       cv::Rect(0, 0, image.cols, image.rows);
  return box.empty() ? 0.0f : static_cast<float>(cv::mean(image(box))[0]);
}

int WindowPx(double mm, double spacing_mm) {
  return std::max(3, static_cast<int>(std::lround(mm / spacing_mm)) | 1);
}

// Clears a model file's nodes into a Status when OpenCV throws (corrupt YAML, wrong types).
template <typename F>
Status Guarded(const std::string& what, F&& f) {
  try {
    return f();
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kBadParameter, what + ": " + e.what());
  }
}

cv::Mat1f ToMat(const std::vector<std::vector<float>>& rows) {
  cv::Mat1f mat(static_cast<int>(rows.size()), static_cast<int>(CandidateFeatureNames().size()));
  for (int r = 0; r < mat.rows; ++r) {
    for (int c = 0; c < mat.cols; ++c) mat(r, c) = rows[r][c];
  }
  return mat;
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

const std::vector<std::string>& CandidateFeatureNames() {
  static const std::vector<std::string> names = {
      "contrast_sigma",       // peak enhanced response, noise sigmas (the hand-made score's input)
      "diameter_mm",          // equivalent diameter of the thresholded component
      "lineness",             // response along the best direction / peak (1 on a line)
      "dog_0.2mm",            // DoG at 0.2, 0.45, 1 mm calcification scales / local pixel noise
      "dog_0.45mm",
      "dog_1mm",
      "local_noise_ratio",    // pixel noise in 2 mm / in 16 mm around (texture, edges)
      "neighbours_5mm",       // log(1 + other candidates within 5 mm)
      "neighbour_contrast",   // mean contrast of the 2 strongest of them (0: none)
      "fill",                 // component area / its bounding box area
      "aspect",               // bounding box long side / short side
      "ring_ratio",           // mean response one radius out / peak (sharpness)
      "tissue_level",         // mean grey level in 2 mm around, 0 at the breast's 5th
                              // percentile, 1 at its 95th: calcifications form in glandular
                              // (dense) tissue, not in fat
  };
  return names;
}

std::vector<std::vector<float>> ComputeCandidateFeatures(const cv::Mat1f& image,
                                                         const cv::Mat1f& response,
                                                         const cv::Mat1b& breast,
                                                         const std::vector<Calcification>& calcs,
                                                         double spacing_mm,
                                                         const DetectorParams& params) {
  std::vector<std::vector<float>> features;
  if (calcs.empty()) return features;
  const cv::Mat1f local_noise = HighPassLevel(image, WindowPx(kLocalNoiseWindowMm, spacing_mm));
  const cv::Mat1f regional_noise =
      HighPassLevel(image, WindowPx(kRegionalNoiseWindowMm, spacing_mm));
  const std::vector<Neighbourhood> neighbours = Neighbourhoods(calcs, kNeighbourhoodMm / spacing_mm);
  const auto [fat_level, dense_level] = TissueRange(image, breast);
  const float tissue_span = std::max(dense_level - fat_level, 1e-3f);
  const int tissue_window = WindowPx(kTissueWindowMm, spacing_mm);
  for (size_t i = 0; i < calcs.size(); ++i) {
    const Calcification& c = calcs[i];
    const cv::Point centre(std::clamp(static_cast<int>(std::lround(c.centre.x)), 0, image.cols - 1),
                           std::clamp(static_cast<int>(std::lround(c.centre.y)), 0, image.rows - 1));
    const float noise = std::max(local_noise(centre), kNoiseFloor);
    const double diameter_px = c.diameter_mm / spacing_mm;
    std::vector<float> f;
    f.push_back(static_cast<float>(c.contrast));
    f.push_back(static_cast<float>(c.diameter_mm));
    f.push_back(static_cast<float>(
        Lineness(response, c.centre,
                 std::max(std::max(params.line_ring_radius_mm, c.diameter_mm) / spacing_mm, 1.0))));
    for (double d : kFeatureDiametersMm) {
      const double sigma = std::max(0.5, d / spacing_mm / (2.0 * std::sqrt(2.0)));
      f.push_back(static_cast<float>(DogAt(image, centre, sigma) / noise));
    }
    f.push_back(noise / std::max(regional_noise(centre), kNoiseFloor));
    f.push_back(static_cast<float>(std::log1p(neighbours[i].count)));
    f.push_back(neighbours[i].strongest_mean);
    const double box_area = std::max(1, c.box.area());
    f.push_back(static_cast<float>(std::min(1.0, M_PI * diameter_px * diameter_px / 4 / box_area)));
    f.push_back(static_cast<float>(std::max(c.box.width, c.box.height)) /
                static_cast<float>(std::max(1, std::min(c.box.width, c.box.height))));
    f.push_back(static_cast<float>(RingRatio(response, c.centre, std::max(1.0, diameter_px / 2 + 1))));
    f.push_back((MeanAround(image, centre, tissue_window) - fat_level) / tissue_span);
    features.push_back(std::move(f));
  }
  return features;
}

void ApplyCandidateScorer(const CandidateScorer* scorer, const cv::Mat1f& image,
                          const cv::Mat1f& response, const cv::Mat1b& breast, double spacing_mm,
                          const DetectorParams& params, std::vector<Calcification>* calcs,
                          std::vector<std::vector<float>>* features) {
  if (!scorer && !features) return;
  std::vector<std::vector<float>> computed =
      ComputeCandidateFeatures(image, response, breast, *calcs, spacing_mm, params);
  if (scorer) {
    const std::vector<double> p = scorer->Probabilities(computed);
    for (size_t i = 0; i < calcs->size(); ++i) (*calcs)[i].score = p[i];
  }
  if (features) *features = std::move(computed);
}

DetectorParams WithCandidateStageOf(const CandidateScorer& scorer, DetectorParams params) {
  params.candidate_threshold_sigma = scorer.provenance().candidate_threshold_sigma;
  params.max_lineness = scorer.provenance().max_lineness;
  params.background_ratio = scorer.provenance().background_ratio;
  return params;
}

DetectorParams ParamsForScorer(const CandidateScorer& scorer, DetectorParams base) {
  base = WithCandidateStageOf(scorer, base);
  base.cluster_min_member_score = scorer.provenance().min_member_probability;
  return base;
}

double ClusterScoreLogit(double score) {
  const double p = std::clamp(score, 1e-9, 1 - 1e-9);
  return std::log(p / (1 - p));
}

double CandidateScorer::ClusterProbability(double member_based_score) const {
  return cluster_calibration_.Apply(ClusterScoreLogit(member_based_score));
}

std::shared_ptr<const CandidateScorer> CandidateScorer::WithClusterCalibration(
    const CandidateScorer& model, PlattCalibration cluster_calibration) {
  auto copy = std::shared_ptr<CandidateScorer>(new CandidateScorer());
  copy->forest_ = model.forest_;  // shared, never modified after training
  copy->calibration_ = model.calibration_;
  copy->provenance_ = model.provenance_;
  copy->cluster_calibration_ = cluster_calibration;
  return copy;
}

void ApplyClusterCalibration(const CandidateScorer* scorer, std::vector<Finding>* findings) {
  if (!scorer) return;
  for (Finding& f : *findings) {
    if (f.kind == FindingKind::kCluster) f.score = scorer->ClusterProbability(f.score);
  }
}

double PlattCalibration::Apply(double raw) const { return Sigmoid(a * raw + b); }

namespace {

// log(1 + exp(z)) without overflow.
double Softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

}  // namespace

PlattCalibration FitPlatt(const std::vector<double>& raw, const std::vector<int>& labels) {
  // Platt's smoothed targets keep the optimum finite when the classes separate perfectly; the
  // Newton steps are damped by a backtracking line search (Lin, Lin & Weng 2007), since a plain
  // Newton step overshoots when the raw values span a wide range (cluster logits reach ±20)
  // and then diverges.
  double positives = 0;
  for (int l : labels) positives += l != 0;
  const double negatives = static_cast<double>(labels.size()) - positives;
  const double hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2);
  const auto target = [&](size_t i) { return labels[i] ? hi : lo; };
  const auto objective = [&](const PlattCalibration& c) {
    double f = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      const double z = c.a * raw[i] + c.b, t = target(i);
      f += t * Softplus(-z) + (1 - t) * Softplus(z);
    }
    return f;
  };
  PlattCalibration cal{0.0, std::log((positives + 1) / (negatives + 1))};
  double f = objective(cal);
  for (int iteration = 0; iteration < 100; ++iteration) {
    double g_a = 0, g_b = 0, h_aa = 1e-12, h_ab = 0, h_bb = 1e-12;
    for (size_t i = 0; i < raw.size(); ++i) {
      const double p = cal.Apply(raw[i]), d = p - target(i), w = p * (1 - p);
      g_a += d * raw[i];
      g_b += d;
      h_aa += w * raw[i] * raw[i];
      h_ab += w * raw[i];
      h_bb += w;
    }
    if (std::abs(g_a) < 1e-6 && std::abs(g_b) < 1e-6) break;
    const double det = h_aa * h_bb - h_ab * h_ab;
    if (!(det > 0)) break;
    const double d_a = -(h_bb * g_a - h_ab * g_b) / det;
    const double d_b = -(h_aa * g_b - h_ab * g_a) / det;
    const double slope = g_a * d_a + g_b * d_b;  // < 0: a descent direction
    double step = 1;
    for (; step >= 1e-10; step /= 2) {
      const PlattCalibration trial{cal.a + step * d_a, cal.b + step * d_b};
      const double f_trial = objective(trial);
      if (f_trial <= f + 1e-4 * step * slope) {
        cal = trial;
        f = f_trial;
        break;
      }
    }
    if (step < 1e-10) break;  // no further decrease: at the optimum within rounding
  }
  return cal;
}

CandidateScorer::CandidateScorer() = default;
CandidateScorer::~CandidateScorer() = default;

Status CandidateScorer::Train(const std::vector<std::vector<float>>& features,
                              const std::vector<int>& labels,
                              const std::vector<std::vector<float>>& calibration_features,
                              const std::vector<int>& calibration_labels, std::uint64_t seed,
                              ModelProvenance provenance,
                              std::shared_ptr<const CandidateScorer>* scorer) {
  if (features.empty() || features.size() != labels.size() || calibration_features.empty() ||
      calibration_features.size() != calibration_labels.size()) {
    return Status(ErrorCode::kBadParameter, "training needs candidates with labels in both sets");
  }
  return Guarded("training failed", [&]() -> Status {
    auto model = std::shared_ptr<CandidateScorer>(new CandidateScorer());
    cv::Mat1f responses(static_cast<int>(labels.size()), 1);
    for (size_t i = 0; i < labels.size(); ++i) responses(static_cast<int>(i)) = labels[i] ? 1.f : 0.f;
    cv::theRNG().state = seed;  // RTrees draws its bootstrap samples from OpenCV's global RNG
    model->forest_ = cv::ml::RTrees::create();
    model->forest_->setMaxDepth(10);
    model->forest_->setMinSampleCount(20);
    model->forest_->setActiveVarCount(4);
    model->forest_->setRegressionAccuracy(0);
    model->forest_->setTermCriteria(
        cv::TermCriteria(cv::TermCriteria::MAX_ITER, 60, 0));  // 60 trees
    if (!model->forest_->train(cv::ml::TrainData::create(ToMat(features), cv::ml::ROW_SAMPLE,
                                                         responses))) {
      return Status(ErrorCode::kInternal, "the random forest did not train");
    }
    model->calibration_ = FitPlatt(model->RawScores(calibration_features), calibration_labels);
    model->provenance_ = std::move(provenance);
    *scorer = model;
    return Status::Ok();
  });
}

std::vector<double> CandidateScorer::RawScores(const std::vector<std::vector<float>>& features) const {
  std::vector<double> raw(features.size());
  if (features.empty()) return raw;
  cv::Mat out;
  {
    std::lock_guard<std::mutex> guard(predict_lock_);
    forest_->predict(ToMat(features), out);
  }
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = out.at<float>(static_cast<int>(i));
  return raw;
}

std::vector<double> CandidateScorer::Probabilities(
    const std::vector<std::vector<float>>& features) const {
  std::vector<double> p = RawScores(features);
  for (double& v : p) v = calibration_.Apply(v);
  return p;
}

Status CandidateScorer::Save(const std::string& path) const {
  return Guarded("cannot write model " + path, [&]() -> Status {
    cv::FileStorage fs(path, cv::FileStorage::WRITE);
    if (!fs.isOpened()) return Status(ErrorCode::kIoError, "cannot write model " + path);
    fs << "kind" << kModelKind << "format" << kCandidateModelFormat;
    fs << "version" << provenance_.version << "description" << provenance_.description;
    fs << "seed" << std::to_string(provenance_.seed);
    fs << "training_images" << provenance_.training_images;
    fs << "training_candidates" << provenance_.training_candidates;
    fs << "calibration_candidates" << provenance_.calibration_candidates;
    fs << "candidate_threshold_sigma" << provenance_.candidate_threshold_sigma;
    fs << "max_lineness" << provenance_.max_lineness;
    fs << "background_ratio" << provenance_.background_ratio;
    fs << "min_member_probability" << provenance_.min_member_probability;
    fs << "features" << "[";
    for (const std::string& name : CandidateFeatureNames()) fs << name;
    fs << "]";
    fs << "platt_a" << calibration_.a << "platt_b" << calibration_.b;
    fs << "cluster_platt_a" << cluster_calibration_.a << "cluster_platt_b" << cluster_calibration_.b;
    fs << "forest" << "{";
    forest_->write(fs);
    fs << "}";
    return Status::Ok();
  });
}

Status CandidateScorer::Load(const std::string& path,
                             std::shared_ptr<const CandidateScorer>* scorer) {
  return Guarded("corrupt model " + path, [&]() -> Status {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Status(ErrorCode::kIoError, "model file " + path + " not found");
    }
    cv::FileStorage fs;
    try {
      if (!fs.open(path, cv::FileStorage::READ)) {
        return Status(ErrorCode::kIoError, "cannot read model " + path);
      }
    } catch (const cv::Exception&) {
      return Status(ErrorCode::kBadParameter, path + " is not a readable YAML model file");
    }
    if (static_cast<std::string>(fs["kind"]) != kModelKind) {
      return Status(ErrorCode::kBadParameter, path + " is not a mammocad candidate model");
    }
    if (static_cast<int>(fs["format"]) != kCandidateModelFormat) {
      return Status(ErrorCode::kBadParameter,
                    path + " has model format " + std::to_string(static_cast<int>(fs["format"])) +
                        ", this build reads " + std::to_string(kCandidateModelFormat));
    }
    std::vector<std::string> names;
    for (const cv::FileNode& n : fs["features"]) names.push_back(static_cast<std::string>(n));
    if (names != CandidateFeatureNames()) {
      return Status(ErrorCode::kBadParameter,
                    path + " was trained on other features than this build computes");
    }
    auto model = std::shared_ptr<CandidateScorer>(new CandidateScorer());
    model->provenance_.version = static_cast<std::string>(fs["version"]);
    model->provenance_.description = static_cast<std::string>(fs["description"]);
    const std::string seed_text = static_cast<std::string>(fs["seed"]);
    model->provenance_.seed = std::strtoull(seed_text.c_str(), nullptr, 10);
    model->provenance_.training_images = static_cast<int>(fs["training_images"]);
    model->provenance_.training_candidates = static_cast<int>(fs["training_candidates"]);
    model->provenance_.calibration_candidates = static_cast<int>(fs["calibration_candidates"]);
    model->provenance_.candidate_threshold_sigma =
        static_cast<double>(fs["candidate_threshold_sigma"]);
    model->provenance_.max_lineness = static_cast<double>(fs["max_lineness"]);
    model->provenance_.background_ratio = static_cast<double>(fs["background_ratio"]);
    model->provenance_.min_member_probability = static_cast<double>(fs["min_member_probability"]);
    if (!(model->provenance_.candidate_threshold_sigma > 0)) {
      return Status(ErrorCode::kBadParameter, path + " lacks its candidate threshold");
    }
    if (!(model->provenance_.background_ratio > 1)) {
      return Status(ErrorCode::kBadParameter, path + " lacks its enhancement background ratio");
    }
    model->calibration_.a = static_cast<double>(fs["platt_a"]);
    model->calibration_.b = static_cast<double>(fs["platt_b"]);
    if (fs["cluster_platt_a"].empty() || fs["cluster_platt_b"].empty()) {
      return Status(ErrorCode::kBadParameter, path + " lacks its cluster calibration");
    }
    model->cluster_calibration_.a = static_cast<double>(fs["cluster_platt_a"]);
    model->cluster_calibration_.b = static_cast<double>(fs["cluster_platt_b"]);
    model->forest_ = cv::ml::RTrees::create();
    model->forest_->read(fs["forest"]);
    if (!model->forest_->isTrained() ||
        model->forest_->getVarCount() != static_cast<int>(CandidateFeatureNames().size())) {
      return Status(ErrorCode::kBadParameter, path + " holds no usable forest");
    }
    *scorer = model;
    return Status::Ok();
  });
}

}  // namespace mammocad
