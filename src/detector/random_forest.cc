#include "detector/random_forest.h"

#include <mutex>
#include <opencv2/ml.hpp>

namespace mammocad {

struct RandomForest::Impl {
  cv::Ptr<cv::ml::RTrees> trees;
  mutable std::mutex predict_lock;
};

RandomForest::RandomForest(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RandomForest::~RandomForest() = default;

namespace {

cv::Mat1f ToMat(const std::vector<std::vector<float>>& rows) {
  const int columns = rows.empty() ? 0 : static_cast<int>(rows[0].size());
  cv::Mat1f mat(static_cast<int>(rows.size()), columns);
  for (int r = 0; r < mat.rows; ++r) {
    for (int c = 0; c < mat.cols; ++c) mat(r, c) = rows[r][c];
  }
  return mat;
}

}  // namespace

Status RandomForest::Train(const std::vector<std::vector<float>>& features,
                           const std::vector<int>& labels, std::uint64_t seed,
                           std::shared_ptr<const RandomForest>* forest) {
  if (features.empty() || features.size() != labels.size()) {
    return Status(ErrorCode::kBadParameter, "training needs candidates with labels");
  }
  try {
    auto impl = std::make_unique<Impl>();
    cv::Mat1f responses(static_cast<int>(labels.size()), 1);
    for (size_t i = 0; i < labels.size(); ++i) responses(static_cast<int>(i)) = labels[i] ? 1.f : 0.f;
    cv::theRNG().state = seed;  // RTrees draws its bootstrap samples from OpenCV's global RNG
    impl->trees = cv::ml::RTrees::create();
    impl->trees->setMaxDepth(10);
    impl->trees->setMinSampleCount(20);
    impl->trees->setActiveVarCount(4);
    impl->trees->setRegressionAccuracy(0);
    impl->trees->setTermCriteria(cv::TermCriteria(cv::TermCriteria::MAX_ITER, 60, 0));  // 60 trees
    if (!impl->trees->train(
            cv::ml::TrainData::create(ToMat(features), cv::ml::ROW_SAMPLE, responses))) {
      return Status(ErrorCode::kInternal, "the random forest did not train");
    }
    forest->reset(new RandomForest(std::move(impl)));
    return Status::Ok();
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kInternal, std::string("training failed: ") + e.what());
  }
}

Status RandomForest::Read(const cv::FileNode& node, int feature_count,
                          std::shared_ptr<const RandomForest>* forest) {
  auto impl = std::make_unique<Impl>();
  impl->trees = cv::ml::RTrees::create();
  impl->trees->read(node);  // throws cv::Exception on garbage: the model file reader catches it
  if (!impl->trees->isTrained() || impl->trees->getVarCount() != feature_count) {
    return Status(ErrorCode::kBadParameter, "holds no usable forest");
  }
  forest->reset(new RandomForest(std::move(impl)));
  return Status::Ok();
}

void RandomForest::Write(cv::FileStorage& storage) const { impl_->trees->write(storage); }

std::vector<double> RandomForest::Predict(const std::vector<std::vector<float>>& features) const {
  std::vector<double> raw(features.size());
  if (features.empty()) return raw;
  cv::Mat out;
  {
    std::lock_guard<std::mutex> guard(impl_->predict_lock);
    impl_->trees->predict(ToMat(features), out);
  }
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = out.at<float>(static_cast<int>(i));
  return raw;
}

}  // namespace mammocad
