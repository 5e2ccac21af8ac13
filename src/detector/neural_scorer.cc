#include "detector/neural_scorer.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <opencv2/dnn.hpp>
#include <sstream>

#include "detector/model_nodes.h"
#include "detector/parallel.h"
#include "detector/sha256.h"

namespace mammocad {
namespace {

const char* const kManifestKind = "mammocad-neural-scorer";
constexpr int kBatch = 256;  // patches per forward pass: bounded memory, few passes
// Fewer patches than this per thread are not worth a thread (a pass has a fixed cost).
constexpr int kMinPatchesPerPart = 32;

Status ReadWhole(const std::string& path, std::string* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  *bytes = text.str();
  return Status::Ok();
}

}  // namespace

// A cv::dnn::Net runs one forward pass at a time, so each caller (a request, a thread of one)
// leases its own copy: made from the checked ONNX bytes the first time it is needed, kept for
// the next caller. The pool holds at most as many copies as were ever in use at once.
struct NeuralScorer::Network {
  std::string onnx;
  std::mutex lock;
  std::vector<std::unique_ptr<cv::dnn::Net>> idle;

  std::unique_ptr<cv::dnn::Net> Lease() {
    {
      std::lock_guard<std::mutex> guard(lock);
      if (!idle.empty()) {
        std::unique_ptr<cv::dnn::Net> net = std::move(idle.back());
        idle.pop_back();
        return net;
      }
    }
    auto net = std::make_unique<cv::dnn::Net>(cv::dnn::readNetFromONNX(onnx.data(), onnx.size()));
    net->setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net->setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
  }
  void Return(std::unique_ptr<cv::dnn::Net> net) {
    std::lock_guard<std::mutex> guard(lock);
    idle.push_back(std::move(net));
  }
};

NeuralScorer::NeuralScorer(FittedModel model, PatchGeometry geometry,
                           std::unique_ptr<Network> network)
    : FittedScorer(std::move(model)), network_(std::move(network)), geometry_(geometry) {}
NeuralScorer::~NeuralScorer() = default;

Status NeuralScorer::Load(const std::string& path, std::shared_ptr<const NeuralScorer>* scorer) {
  try {
    cv::FileStorage fs;
    if (Status s = OpenModelFile(path, kManifestKind, "neural model", kNeuralModelFormat, &fs);
        !s.ok()) {
      return s;
    }
    FittedModel model;
    model.provenance.version = static_cast<std::string>(fs["version"]);
    model.provenance.description = static_cast<std::string>(fs["description"]);
    model.provenance.seed =
        std::strtoull(static_cast<std::string>(fs["seed"]).c_str(), nullptr, 10);
    model.provenance.training_images = static_cast<int>(fs["training_images"]);
    model.provenance.training_candidates = static_cast<int>(fs["training_patches"]);
    PatchGeometry geometry;
    geometry.size_px = static_cast<int>(fs["patch_size_px"]);
    geometry.spacing_mm = static_cast<double>(fs["patch_spacing_mm"]);
    geometry.channels = static_cast<int>(fs["patch_channels"]);
    if (!fs["patch_noise"].empty() &&
        !ParsePatchNoise(static_cast<std::string>(fs["patch_noise"]), &geometry.noise)) {
      return Status(ErrorCode::kBadParameter, path + ": unknown patch_noise '" +
                                                  static_cast<std::string>(fs["patch_noise"]) +
                                                  "' (pixel or band)");
    }
    if (geometry.size_px < 8 || geometry.size_px > 256 || !(geometry.spacing_mm > 0) ||
        geometry.channels < 1 || geometry.channels > 2) {
      return Status(ErrorCode::kBadParameter, path + " has no usable patch geometry");
    }
    if (Status s = ReadFittedSettings(fs["fitted_params"], path, &model.fitted); !s.ok()) return s;
    if (fs["platt_a"].empty() || fs["cluster_platt_a"].empty()) {
      return Status(ErrorCode::kBadParameter, path + " lacks its calibrations");
    }
    model.calibration = {static_cast<double>(fs["platt_a"]), static_cast<double>(fs["platt_b"])};
    model.cluster_calibration = {static_cast<double>(fs["cluster_platt_a"]),
                                 static_cast<double>(fs["cluster_platt_b"])};
    if (Status s = ReadClusterModel(fs["cluster_model"], path, &model.cluster_model); !s.ok()) {
      return s;
    }
    if (Status s = ReadOperatingPoints(fs["operating_points"], path, &model.operating_points);
        !s.ok()) {
      return s;
    }
    // The network beside the manifest, checked against the recorded checksum.
    const std::string network_name = static_cast<std::string>(fs["network"]);
    const std::string network_path =
        (std::filesystem::path(path).parent_path() / network_name).string();
    std::string onnx;
    if (network_name.empty() || !ReadWhole(network_path, &onnx).ok()) {
      return Status(ErrorCode::kIoError, path + ": its network '" + network_name +
                                             "' is missing (" + network_path + ")");
    }
    if (Sha256Hex(onnx) != static_cast<std::string>(fs["network_sha256"])) {
      return Status(ErrorCode::kBadParameter,
                    network_path + " does not match the checksum in " + path);
    }
    auto network = std::make_unique<Network>();
    network->onnx = std::move(onnx);
    network->Return(network->Lease());  // parsed now: an unreadable network fails the load
    std::shared_ptr<NeuralScorer> scorer_made(
        new NeuralScorer(std::move(model), geometry, std::move(network)));
    // One trial patch: the network must answer one logit per patch.
    const int dims[] = {2, geometry.channels, geometry.size_px, geometry.size_px};
    if (scorer_made->Logits(cv::Mat(4, dims, CV_32F, cv::Scalar(0))).size() != 2) {
      return Status(ErrorCode::kBadParameter, network_path + " does not give one logit per patch");
    }
    *scorer = std::move(scorer_made);
    return Status::Ok();
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kBadParameter, "corrupt neural model " + path + ": " + e.what());
  }
}

std::vector<float> NeuralScorer::Logits(const cv::Mat& patches, int threads) const {
  if (patches.empty()) return {};
  const int n = patches.size[0];
  // Contiguous parts, one per thread, each run in batches of at most kBatch on a leased copy.
  const int parts = std::clamp((n + kMinPatchesPerPart - 1) / kMinPatchesPerPart, 1,
                               std::max(1, threads));
  std::vector<float> logits(n, 0.0f);
  std::atomic<bool> one_per_patch{true};
  detail::ParallelFor(parts, parts, [&](int part) {
    const int begin = static_cast<int>(static_cast<long>(n) * part / parts);
    const int end = static_cast<int>(static_cast<long>(n) * (part + 1) / parts);
    std::unique_ptr<cv::dnn::Net> net = network_->Lease();
    for (int first = begin; first < end; first += kBatch) {
      const int count = std::min(kBatch, end - first);
      std::vector<cv::Range> rows(patches.dims, cv::Range::all());
      rows[0] = cv::Range(first, first + count);
      net->setInput(patches(rows.data()));
      const cv::Mat out = net->forward();
      if (static_cast<int>(out.total()) != count) {
        one_per_patch = false;
        break;
      }
      std::copy(out.ptr<float>(), out.ptr<float>() + count, logits.begin() + first);
    }
    network_->Return(std::move(net));
  });
  if (!one_per_patch) logits.clear();  // the caller sees too few logits
  return logits;
}

void NeuralScorer::Score(const CandidateContext& context,
                         std::vector<Calcification>* candidates) const {
  if (candidates->empty()) return;
  const std::vector<float> logits =
      Logits(ExtractPatches(context, *candidates, geometry_),
             detail::AvailableThreads(context.max_threads));
  if (logits.size() != candidates->size()) {
    throw cv::Exception(cv::Error::StsError, "the network gave too few logits", __func__,
                        __FILE__, __LINE__);
  }
  for (size_t i = 0; i < candidates->size(); ++i) {
    (*candidates)[i].score = model_.calibration.Apply(logits[i]);
  }
}

}  // namespace mammocad
