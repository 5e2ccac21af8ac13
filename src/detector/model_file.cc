#include "detector/model_file.h"

#include <cstdlib>
#include <filesystem>
#include <set>

#include "detector/features.h"
#include "detector/model_nodes.h"

namespace mammocad {
namespace {

const char* const kModelKind = "mammocad-candidate-scorer";

// Turns OpenCV's exceptions on corrupt YAML or wrong node types into a Status.
template <typename F>
Status Guarded(const std::string& what, F&& f) {
  try {
    return f();
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kBadParameter, what + ": " + e.what());
  }
}

}  // namespace


Status SaveModelFile(const LearnedScorer& scorer, const std::string& path) {
  return Guarded("cannot write model " + path, [&]() -> Status {
    cv::FileStorage fs(path, cv::FileStorage::WRITE);
    if (!fs.isOpened()) return Status(ErrorCode::kIoError, "cannot write model " + path);
    const ModelProvenance& provenance = scorer.provenance();
    fs << "kind" << kModelKind << "format" << kCandidateModelFormat;
    fs << "version" << provenance.version << "description" << provenance.description;
    fs << "seed" << std::to_string(provenance.seed);
    fs << "training_images" << provenance.training_images;
    fs << "training_candidates" << provenance.training_candidates;
    fs << "calibration_candidates" << provenance.calibration_candidates;
    WriteFittedSettings(scorer.fitted_params(), fs);
    fs << "features" << "[";
    for (const std::string& name : CandidateFeatureNames()) fs << name;
    fs << "]";
    fs << "platt_a" << scorer.calibration().a << "platt_b" << scorer.calibration().b;
    fs << "cluster_platt_a" << scorer.cluster_calibration().a << "cluster_platt_b"
       << scorer.cluster_calibration().b;
    if (!scorer.OperatingPoints().empty()) WriteOperatingPoints(scorer.OperatingPoints(), fs);
    fs << "forest" << "{";
    scorer.forest().Write(fs);
    fs << "}";
    return Status::Ok();
  });
}

Status LoadModelFile(const std::string& path, std::shared_ptr<const LearnedScorer>* scorer) {
  return Guarded("corrupt model " + path, [&]() -> Status {
    cv::FileStorage fs;
    if (Status s = OpenModelFile(path, kModelKind, "candidate model", kCandidateModelFormat, &fs);
        !s.ok()) {
      return s;
    }
    std::vector<std::string> names;
    for (const cv::FileNode& n : fs["features"]) names.push_back(static_cast<std::string>(n));
    if (names != CandidateFeatureNames()) {
      return Status(ErrorCode::kBadParameter,
                    path + " was trained on other features than this build computes");
    }
    ModelProvenance provenance;
    provenance.version = static_cast<std::string>(fs["version"]);
    provenance.description = static_cast<std::string>(fs["description"]);
    const std::string seed_text = static_cast<std::string>(fs["seed"]);
    provenance.seed = std::strtoull(seed_text.c_str(), nullptr, 10);
    provenance.training_images = static_cast<int>(fs["training_images"]);
    provenance.training_candidates = static_cast<int>(fs["training_candidates"]);
    provenance.calibration_candidates = static_cast<int>(fs["calibration_candidates"]);
    DetectorParams fitted;
    if (Status s = ReadFittedSettings(fs["fitted_params"], path, &fitted); !s.ok()) return s;
    PlattCalibration calibration{static_cast<double>(fs["platt_a"]),
                                 static_cast<double>(fs["platt_b"])};
    if (fs["cluster_platt_a"].empty() || fs["cluster_platt_b"].empty()) {
      return Status(ErrorCode::kBadParameter, path + " lacks its cluster calibration");
    }
    PlattCalibration cluster{static_cast<double>(fs["cluster_platt_a"]),
                             static_cast<double>(fs["cluster_platt_b"])};
    std::vector<NamedOperatingPoint> points;
    if (Status s = ReadOperatingPoints(fs["operating_points"], path, &points); !s.ok()) return s;
    std::shared_ptr<const RandomForest> forest;
    if (Status s = RandomForest::Read(fs["forest"], static_cast<int>(names.size()), &forest);
        !s.ok()) {
      return Status(s.code(), path + " " + s.message());
    }
    *scorer = std::make_shared<LearnedScorer>(
        std::move(forest), FittedModel{calibration, cluster, std::move(provenance), fitted,
                                       std::move(points)});
    return Status::Ok();
  });
}

}  // namespace mammocad
