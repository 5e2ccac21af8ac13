#include "detector/patches.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace mammocad {
namespace {

constexpr float kNoiseFloor = 1e-4f;  // in [0, 1] image units: flat or saturated patches
constexpr float kResponseScale = 0.1f, kResponseMin = -1.0f, kResponseMax = 4.0f;

// The neighbourhood of `centre` (pixels of `source`), sampled every `step` source pixels.
cv::Mat1f Resample(const cv::Mat1f& source, cv::Point2f centre, double step, int size) {
  const double half = (size - 1) / 2.0;
  // Output (u, v) samples source (centre.x + (u - half) * step, centre.y + (v - half) * step).
  const cv::Matx23d to_output(1.0 / step, 0, half - centre.x / step, 0, 1.0 / step,
                              half - centre.y / step);
  cv::Mat1f patch;
  cv::warpAffine(source, patch, to_output, cv::Size(size, size), cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  return patch;
}

float Median(cv::Mat1f values) {
  std::vector<float> v(values.begin(), values.end());
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Median |pixel - its 3x3 mean|: the pixel noise of the patch, robust to the spot itself.
float PixelNoise(const cv::Mat1f& patch) {
  cv::Mat1f smooth;
  cv::blur(patch, smooth, cv::Size(3, 3), cv::Point(-1, -1), cv::BORDER_REFLECT);
  return std::max(Median(cv::abs(patch - smooth)), kNoiseFloor);
}

float BandNoise(const cv::Mat1f& patch) {
  cv::Mat1f fine, coarse;
  cv::GaussianBlur(patch, fine, cv::Size(), 1.5, 1.5, cv::BORDER_REFLECT);
  cv::GaussianBlur(patch, coarse, cv::Size(), 4.0, 4.0, cv::BORDER_REFLECT);
  const cv::Mat1f band = fine - coarse;
  const float centre = Median(band.clone());
  return std::max(1.4826f * Median(cv::abs(band - centre)), kNoiseFloor);
}

}  // namespace

bool ParsePatchNoise(const std::string& name, PatchNoise* noise) {
  if (name == "pixel") *noise = PatchNoise::kPixel;
  else if (name == "band") *noise = PatchNoise::kBand;
  else return false;
  return true;
}

const char* PatchNoiseName(PatchNoise noise) {
  return noise == PatchNoise::kBand ? "band" : "pixel";
}

cv::Mat ExtractPatches(const CandidateContext& context, const std::vector<Calcification>& candidates,
                       const PatchGeometry& geometry) {
  if (candidates.empty()) return cv::Mat();
  const int n = static_cast<int>(candidates.size()), s = geometry.size_px;
  const int dims[] = {n, geometry.channels, s, s};
  cv::Mat blob(4, dims, CV_32F);
  const double step = geometry.spacing_mm / context.spacing_mm;
  for (int i = 0; i < n; ++i) {
    const cv::Point2f centre = candidates[i].centre;
    cv::Mat1f image(s, s, blob.ptr<float>(i, 0));
    cv::Mat1f raw = Resample(context.image, centre, step, s);
    const float median = Median(raw.clone());
    const float noise =
        geometry.noise == PatchNoise::kBand ? BandNoise(raw) : PixelNoise(raw);
    raw.convertTo(image, CV_32F, 1.0 / noise, -median / noise);
    if (geometry.channels > 1) {
      cv::Mat1f response(s, s, blob.ptr<float>(i, 1));
      cv::Mat1f clipped = Resample(context.response, centre, step, s) * kResponseScale;
      clipped = cv::max(clipped, kResponseMin);
      clipped = cv::min(clipped, kResponseMax);
      clipped.copyTo(response);
    }
  }
  return blob;
}

}  // namespace mammocad
