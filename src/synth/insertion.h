// The steps every insertion into a real image shares (InsertSimulatedClusters,
// InsertBenignFindings), internal to src/synth.
#ifndef MAMMOCAD_SYNTH_INSERTION_H_
#define MAMMOCAD_SYNTH_INSERTION_H_

#include <opencv2/core.hpp>

#include "mammocad/image.h"
#include "mammocad/status.h"
#include "synth/synthetic.h"

namespace mammocad::synth {

// kBadParameter unless `real` is 8/16-bit single-channel, `region` matches it and the spacing
// is positive.
Status CheckInsertion(const Image& real, const cv::Mat1b& region, double spacing_mm);

// The image in [0, 1] units: pixels / (2^bits_stored - 1).
cv::Mat1f UnitIntensity(const Image& real);

// `image` ([0, 1] units) requantised to `real`'s type and bits into out->image (a new buffer),
// with the spacing, and `region` as out->breast.
void StoreInsertion(const cv::Mat1f& image, const Image& real, const cv::Mat1b& region,
                    double spacing_mm, SyntheticMammogram* out);

}  // namespace mammocad::synth

#endif  // MAMMOCAD_SYNTH_INSERTION_H_
