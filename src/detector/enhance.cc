// Stage 3: multi-scale bright-spot enhancement with local noise normalisation.
//
// At each scale a difference of Gaussians (spot sigma minus background_ratio times that sigma)
// responds to bright spots of about that size. Mammogram noise grows with the signal and the
// anatomical texture varies across the breast, so each response is divided by its own local
// robust noise estimate: the output is in noise sigmas and one threshold fits every region,
// image and scanner.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/imgproc.hpp>

#include "detector/parallel.h"
#include "detector/stages.h"

namespace mammocad::detail {
namespace {

// For a Gaussian, sigma = sqrt(pi / 2) * E|x|.
const double kSigmaPerMeanAbs = std::sqrt(M_PI / 2.0);

// A disc of diameter d is best matched by a Gaussian of sigma d / (2 sqrt 2) (the LoG scale
// whose zero crossing sits on the disc edge).
double SpotSigmaForDiameter(double diameter_px) { return diameter_px / (2.0 * std::sqrt(2.0)); }

// Mean of |response| over blocks of block x block pixels; with `clip_at` (block grid, may be
// empty) each |response| is first limited to its block's clip level. Rows are accumulated
// element-wise (vectorisable) before the short per-block horizontal sums.
cv::Mat1f BlockMeanAbs(const cv::Mat1f& response, int block, const cv::Mat1f& clip_at) {
  if (block == 1) {  // no blocks: OpenCV's vectorised element-wise operations
    cv::Mat1f magnitude = cv::abs(response);
    if (!clip_at.empty()) magnitude = cv::min(magnitude, clip_at);
    return magnitude;
  }
  const int cols = response.cols;
  const cv::Size grid((cols + block - 1) / block, (response.rows + block - 1) / block);
  cv::Mat1f means(grid);
  std::vector<float> column_sums(cols), clip(cols);
  for (int by = 0; by < grid.height; ++by) {
    std::fill(column_sums.begin(), column_sums.end(), 0.0f);
    if (!clip_at.empty()) {
      for (int x = 0; x < cols; ++x) clip[x] = clip_at(by, x / block);
    }
    const int y_end = std::min(response.rows, (by + 1) * block);
    for (int y = by * block; y < y_end; ++y) {
      const float* r = response[y];
      float* sums = column_sums.data();
      if (clip_at.empty()) {
        for (int x = 0; x < cols; ++x) sums[x] += std::abs(r[x]);
      } else {
        const float* c = clip.data();
        for (int x = 0; x < cols; ++x) sums[x] += std::min(std::abs(r[x]), c[x]);
      }
    }
    const int rows_in_block = y_end - by * block;
    for (int bx = 0; bx < grid.width; ++bx) {
      const int x_end = std::min(cols, (bx + 1) * block);
      float sum = 0.0f;
      for (int x = bx * block; x < x_end; ++x) sum += column_sums[x];
      means(by, bx) = sum / static_cast<float>(rows_in_block * (x_end - bx * block));
    }
  }
  return means;
}

// Outputs are written into caller-owned buffers: OpenCV reuses a destination of the right
// size, and on a 2-3k image a fresh buffer costs page faults comparable to the filtering.
void Blur(const cv::Mat1f& image, double sigma, cv::Mat1f* out) {
  cv::GaussianBlur(image, *out, cv::Size(), sigma, sigma, cv::BORDER_REFLECT);
}

// A wide Gaussian through a k-times smaller grid: block averaging, a narrower Gaussian, and
// linear upsampling. The three variances add up to sigma^2 (block mean: (k^2 - 1) / 12, linear
// interpolation: k^2 / 6), and the cost drops by about k^3. The result is smooth, so the
// interpolation error is far below the noise.
int WideBlurFactor(double sigma, const DetectorParams& p) {
  const int k = static_cast<int>(sigma / p.wide_blur_residual_sigma_px);
  return sigma < p.wide_blur_min_sigma_px || k < 2 ? 1 : k;
}

// Mean of each k x k block of `image` (whole blocks only). The same as resize(INTER_AREA) at
// an integer ratio up to float rounding, at a third of its cost: rows are summed element-wise
// (vectorised) before the short horizontal sums.
cv::Mat1f BlockMean(const cv::Mat1f& image, int k) {
  cv::Mat1f means(image.rows / k, image.cols / k);
  std::vector<float> column_sums(image.cols);
  const float scale = 1.0f / static_cast<float>(k * k);
  for (int by = 0; by < means.rows; ++by) {
    float* sums = column_sums.data();
    std::copy_n(image[by * k], image.cols, sums);
    for (int y = by * k + 1; y < (by + 1) * k; ++y) {
      const float* row = image[y];
      for (int x = 0; x < image.cols; ++x) sums[x] += row[x];
    }
    float* out = means[by];
    for (int bx = 0; bx < means.cols; ++bx) {
      float sum = 0.0f;
      for (int x = bx * k; x < (bx + 1) * k; ++x) sum += sums[x];
      out[bx] = sum * scale;
    }
  }
  return means;
}

void WideBlur(const cv::Mat1f& image, double sigma, const DetectorParams& p, cv::Mat1f* out) {
  const int k = WideBlurFactor(sigma, p);
  if (k == 1) return Blur(image, sigma, out);
  // Padded to whole k x k blocks so that the blocks sit at multiples of k from the origin
  // (crops aligned to the grid give the same result) and the block means are whole.
  const cv::Size padded((image.cols + k - 1) / k * k, (image.rows + k - 1) / k * k);
  cv::Mat1f source = image;
  if (padded != image.size()) {
    cv::copyMakeBorder(image, source, 0, padded.height - image.rows, 0, padded.width - image.cols,
                       cv::BORDER_REFLECT);
  }
  cv::Mat1f reduced = BlockMean(source, k);
  const double residual_var = sigma * sigma - (k * k - 1) / 12.0 - k * k / 6.0;
  const double small_sigma = std::sqrt(std::max(residual_var, 0.25)) / k;
  cv::GaussianBlur(reduced, reduced, cv::Size(), small_sigma, small_sigma, cv::BORDER_REFLECT);
  cv::resize(reduced, *out, padded, 0, 0, cv::INTER_LINEAR);
  *out = (*out)(cv::Rect(cv::Point(0, 0), image.size()));
}

// The noise level changes slowly (over the noise window), so it is estimated on a grid of
// blocks a fraction of the window wide and interpolated back to `*full` (at least the size of
// `response`; its top-left part is the estimate): two passes over the response instead of a
// handful of full-size filters.
int NoiseBlockPx(double spacing_mm, const DetectorParams& p) {
  return std::max(1, static_cast<int>(p.noise_window_mm / spacing_mm / p.noise_blocks_per_window));
}

cv::Mat1f NoiseSigmaInto(const cv::Mat1f& response, double spacing_mm, const DetectorParams& p,
                         cv::Mat1f* full) {
  const double window_px = p.noise_window_mm / spacing_mm;
  const int block = NoiseBlockPx(spacing_mm, p);
  const int window = std::max(3, 2 * static_cast<int>(window_px / block / 2) + 1);  // in blocks
  const auto windowed_sigma = [&](const cv::Mat1f& block_means) {
    cv::Mat1f sigma;
    cv::boxFilter(block_means, sigma, CV_32F, cv::Size(window, window), cv::Point(-1, -1), true,
                  cv::BORDER_REFLECT);
    return cv::Mat1f(sigma * kSigmaPerMeanAbs);
  };
  const cv::Mat1f first = windowed_sigma(BlockMeanAbs(response, block, cv::Mat1f()));
  // Second pass with the outliers (spots, edges) clipped: a bright calcification must not
  // raise the noise estimate that its own contrast is measured against.
  cv::Mat1f sigma = windowed_sigma(BlockMeanAbs(response, block, first * p.noise_clip_sigma));
  sigma = cv::max(sigma, p.noise_floor);
  if (block == 1) {
    *full = sigma;
  } else {
    cv::resize(sigma, *full, cv::Size(sigma.cols * block, sigma.rows * block), 0, 0,
               cv::INTER_LINEAR);
  }
  return (*full)(cv::Rect(0, 0, response.cols, response.rows));
}

struct ScaleBuffers {
  cv::Mat1f response, background, sigma;
};

// EnhanceAtScale into buffers->response.
void EnhanceAtScaleInto(const cv::Mat1f& image, double spot_sigma_px, double spacing_mm,
                        const DetectorParams& p, ScaleBuffers* buffers) {
  Blur(image, spot_sigma_px, &buffers->response);
  WideBlur(image, spot_sigma_px * p.background_ratio, p, &buffers->background);
  cv::subtract(buffers->response, buffers->background, buffers->response);
  const cv::Mat1f sigma = NoiseSigmaInto(buffers->response, spacing_mm, p, &buffers->sigma);
  cv::divide(buffers->response, sigma, buffers->response);
}

}  // namespace

std::vector<double> SpotSigmasPx(double spacing_mm, const DetectorParams& p) {
  std::vector<double> sigmas;
  const int n = std::max(1, p.enhancement_scales);
  const double ratio = p.max_calc_diameter_mm / p.min_calc_diameter_mm;
  for (int i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / (n - 1);
    const double diameter_mm = p.min_calc_diameter_mm * std::pow(ratio, t);
    const double sigma = std::max(p.min_filter_sigma_px,
                                  SpotSigmaForDiameter(diameter_mm / spacing_mm));
    // Scales closer than 25% respond alike: one is enough.
    constexpr double kDistinctScaleRatio = 1.25;
    if (sigmas.empty() || sigma > sigmas.back() * kDistinctScaleRatio) sigmas.push_back(sigma);
  }
  return sigmas;
}

int EnhancementSupportPx(double spacing_mm, const DetectorParams& p) {
  const std::vector<double> sigmas = SpotSigmasPx(spacing_mm, p);
  constexpr double kGaussianSupportSigmas = 3.0;
  const double blur = kGaussianSupportSigmas * sigmas.back() * p.background_ratio;
  return static_cast<int>(std::ceil(blur + p.noise_window_mm / spacing_mm));
}

int EnhancementGridPx(double spacing_mm, const DetectorParams& p) {
  int period = NoiseBlockPx(spacing_mm, p);
  for (double sigma : SpotSigmasPx(spacing_mm, p)) {
    period = std::lcm(period, WideBlurFactor(sigma * p.background_ratio, p));
  }
  return period;
}

cv::Mat1f LocalNoiseSigma(const cv::Mat1f& response, double spacing_mm, const DetectorParams& p) {
  cv::Mat1f full;
  return NoiseSigmaInto(response, spacing_mm, p, &full);
}

cv::Mat1f EnhanceAtScale(const cv::Mat1f& image, double spot_sigma_px, double spacing_mm,
                         const DetectorParams& p) {
  ScaleBuffers buffers;
  EnhanceAtScaleInto(image, spot_sigma_px, spacing_mm, p, &buffers);
  return buffers.response;
}

cv::Mat1f EnhanceSpots(const cv::Mat1f& image, double spacing_mm, const DetectorParams& p) {
  cv::Mat1f best;
  ScaleBuffers buffers;
  for (double sigma : SpotSigmasPx(spacing_mm, p)) {
    EnhanceAtScaleInto(image, sigma, spacing_mm, p, &buffers);
    if (best.empty()) {
      best = buffers.response.clone();
    } else {
      const cv::InputArray a(best), b(buffers.response);  // the cv:: overload, not std::max
      cv::max(a, b, cv::OutputArray(best));
    }
  }
  return best;
}

// A strip's enhanced rows depend only on the rows within the support around it, and grids
// aligned like the whole image's give the same values; so the strips' results, each cut to
// its own rows, put together the whole image's enhancement.
cv::Mat1f EnhanceSpotsInStrips(const cv::Mat1f& image, double spacing_mm,
                               const DetectorParams& p, int strips, int threads) {
  strips = std::clamp(strips, 1, std::max(1, image.rows));
  if (strips == 1) return EnhanceSpots(image, spacing_mm, p);
  const int support = EnhancementSupportPx(spacing_mm, p);
  const int grid = EnhancementGridPx(spacing_mm, p);
  cv::Mat1f out(image.size());
  ParallelFor(strips, threads, [&](int i) {
    const int first = image.rows * i / strips, end = image.rows * (i + 1) / strips;
    const int source_first = std::max(0, (first - support) / grid * grid);
    const int source_end = std::min(image.rows, end + support);
    const cv::Mat1f enhanced =
        EnhanceSpots(image.rowRange(source_first, source_end), spacing_mm, p);
    enhanced.rowRange(first - source_first, end - source_first).copyTo(out.rowRange(first, end));
  });
  return out;
}

}  // namespace mammocad::detail
