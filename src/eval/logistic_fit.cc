#include "eval/logistic_fit.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

namespace mammocad {

ClusterModel FitLogistic(const std::vector<std::vector<double>>& features,
                         const std::vector<int>& labels, double l2) {
  ClusterModel model;
  if (features.empty() || features.size() != labels.size()) return model;
  const size_t n = features.size(), d = features.front().size();
  model.mean.assign(d, 0.0);
  model.scale.assign(d, 1.0);
  for (const std::vector<double>& row : features) {
    for (size_t j = 0; j < d; ++j) model.mean[j] += row[j] / static_cast<double>(n);
  }
  std::vector<double> variance(d, 0.0);
  for (const std::vector<double>& row : features) {
    for (size_t j = 0; j < d; ++j) {
      variance[j] += (row[j] - model.mean[j]) * (row[j] - model.mean[j]) / static_cast<double>(n);
    }
  }
  for (size_t j = 0; j < d; ++j) {
    if (variance[j] > 1e-18) model.scale[j] = std::sqrt(variance[j]);
  }
  // Standardised design with the bias as column d.
  cv::Mat1d x(static_cast<int>(n), static_cast<int>(d + 1));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j) {
      x(static_cast<int>(i), static_cast<int>(j)) =
          variance[j] > 1e-18 ? (features[i][j] - model.mean[j]) / model.scale[j] : 0.0;
    }
    x(static_cast<int>(i), static_cast<int>(d)) = 1.0;
  }
  cv::Mat1d w(static_cast<int>(d + 1), 1, 0.0);
  for (int iteration = 0; iteration < 50; ++iteration) {
    cv::Mat1d gradient(static_cast<int>(d + 1), 1, 0.0);
    cv::Mat1d hessian(static_cast<int>(d + 1), static_cast<int>(d + 1), 0.0);
    for (size_t i = 0; i < n; ++i) {
      const cv::Mat1d row = x.row(static_cast<int>(i));
      const double z = row.dot(w.t());
      const double p = 1.0 / (1.0 + std::exp(-z));
      gradient += row.t() * (p - labels[i]);
      hessian += row.t() * row * std::max(p * (1 - p), 1e-12);
    }
    for (size_t j = 0; j < d; ++j) {
      gradient(static_cast<int>(j)) += l2 * w(static_cast<int>(j));
      hessian(static_cast<int>(j), static_cast<int>(j)) += l2;
    }
    cv::Mat1d step;
    if (!cv::solve(hessian, gradient, step, cv::DECOMP_CHOLESKY)) break;
    w -= step;
    if (cv::norm(step) < 1e-10) break;
  }
  model.weights.resize(d);
  for (size_t j = 0; j < d; ++j) model.weights[j] = w(static_cast<int>(j));
  model.bias = w(static_cast<int>(d));
  return model;
}

}  // namespace mammocad
