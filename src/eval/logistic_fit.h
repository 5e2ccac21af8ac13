// Fitting the cluster model (detector/cluster_model.h): L2-regularised logistic regression on
// standardised features, by Newton's method. Thread-safety: a pure function.
#ifndef MAMMOCAD_EVAL_LOGISTIC_FIT_H_
#define MAMMOCAD_EVAL_LOGISTIC_FIT_H_

#include <vector>

#include "detector/cluster_model.h"

namespace mammocad {

// Each row of `features` one example (all rows as long as the first), `labels` 0/1. The
// features are standardised (mean, standard deviation; a constant feature gets scale 1 and
// weight 0); `l2` penalises the weights (not the bias), which keeps the fit finite when the
// classes separate. Returns an empty model for no rows.
ClusterModel FitLogistic(const std::vector<std::vector<double>>& features,
                         const std::vector<int>& labels, double l2 = 1.0);

}  // namespace mammocad

#endif  // MAMMOCAD_EVAL_LOGISTIC_FIT_H_
