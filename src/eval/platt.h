// Fitting Platt scaling (the learned scorer's calibration, detector/learned_scorer.h) in
// training. Thread-safety: a pure function.
#ifndef MAMMOCAD_EVAL_PLATT_H_
#define MAMMOCAD_EVAL_PLATT_H_

#include <vector>

#include "detector/learned_scorer.h"

namespace mammocad {

// Fits a and b by minimising the log-loss of (raw, label) pairs (Newton's method with the
// usual target smoothing of Platt 1999, and a line search). `labels` are 0/1.
PlattCalibration FitPlatt(const std::vector<double>& raw, const std::vector<int>& labels);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_PLATT_H_
