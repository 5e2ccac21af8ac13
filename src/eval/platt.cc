// Fitting Platt scaling (eval/platt.h).
#include "eval/platt.h"

#include <cmath>

namespace mammocad {
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

}  // namespace mammocad
