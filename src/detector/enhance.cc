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
#include <optional>
#include <opencv2/imgproc.hpp>

#include "detector/parallel.h"
#include "detector/scratch.h"
#include "detector/stages.h"

namespace mammocad::detail {
namespace {

// For a Gaussian, sigma = sqrt(pi / 2) * E|x|.
const double kSigmaPerMeanAbs = std::sqrt(M_PI / 2.0);

// A disc of diameter d is best matched by a Gaussian of sigma d / (2 sqrt 2) (the LoG scale
// whose zero crossing sits on the disc edge).
double SpotSigmaForDiameter(double diameter_px) { return diameter_px / (2.0 * std::sqrt(2.0)); }

// Mean |response| over blocks of block x block pixels, fed one row at a time in order, so
// that it can ride along the pass that produces the rows. Rows are accumulated element-wise
// (vectorisable) before the short per-block horizontal sums.
class BlockMeanAbsRows {
 public:
  BlockMeanAbsRows(cv::Size size, int block)
      : size_(size),
        block_(block),
        means_(PooledImage({(size.width + block - 1) / block, (size.height + block - 1) / block})),
        column_sums_(block > 1 ? size.width : 0, 0.0f) {}

  void Add(int y, const float* row) {
    const int cols = size_.width;
    if (block_ == 1) {  // no blocks
      float* out = means_[y];
      for (int x = 0; x < cols; ++x) out[x] = std::abs(row[x]);
      return;
    }
    float* sums = column_sums_.data();
    for (int x = 0; x < cols; ++x) sums[x] += std::abs(row[x]);
    if ((y + 1) % block_ == 0 || y + 1 == size_.height) FinishBlockRow(y);
  }

  const cv::Mat1f& means() const { return means_; }

 private:
  void FinishBlockRow(int last_y) {
    const int by = last_y / block_, rows_in_block = last_y + 1 - by * block_;
    float* out = means_[by];
    for (int bx = 0; bx < means_.cols; ++bx) {
      const int x_end = std::min(size_.width, (bx + 1) * block_);
      float sum = 0.0f;
      for (int x = bx * block_; x < x_end; ++x) sum += column_sums_[x];
      out[bx] = sum / static_cast<float>(rows_in_block * (x_end - bx * block_));
    }
    std::fill(column_sums_.begin(), column_sums_.end(), 0.0f);
  }

  const cv::Size size_;
  const int block_;
  cv::Mat1f means_;
  std::vector<float> column_sums_;
};

// Mean of |response| over blocks of block x block pixels; with `clip_at` (block grid, may be
// empty) each |response| is first limited to its block's clip level. Rows are accumulated
// element-wise (vectorisable) before the short per-block horizontal sums.
cv::Mat1f BlockMeanAbs(const cv::Mat1f& response, int block, const cv::Mat1f& clip_at) {
  if (clip_at.empty()) {
    BlockMeanAbsRows means(response.size(), block);
    for (int y = 0; y < response.rows; ++y) means.Add(y, response[y]);
    return means.means();
  }
  // From here on clip_at is set: every |response| is clipped.
  const int cols = response.cols;
  const cv::Size grid((cols + block - 1) / block, (response.rows + block - 1) / block);
  cv::Mat1f means = PooledImage(grid);
  if (block == 1) {  // no blocks: OpenCV's vectorised element-wise operations
    means = cv::abs(response);  // a same-sized expression is evaluated into `means`
    const cv::InputArray a(means), b(clip_at);  // the cv:: overload, not std::min
    cv::min(a, b, cv::OutputArray(means));
    return means;
  }
  std::vector<float> column_sums(cols), clip(cols);
  for (int by = 0; by < grid.height; ++by) {
    std::fill(column_sums.begin(), column_sums.end(), 0.0f);
    for (int bx = 0; bx < grid.width; ++bx) {
      std::fill(clip.begin() + bx * block, clip.begin() + std::min(cols, (bx + 1) * block),
                clip_at(by, bx));
    }
    const int y_end = std::min(response.rows, (by + 1) * block);
    for (int y = by * block; y < y_end; ++y) {
      const float* r = response[y];
      float* sums = column_sums.data();
      const float* c = clip.data();
      for (int x = 0; x < cols; ++x) sums[x] += std::min(std::abs(r[x]), c[x]);
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

// Mean of each k x k block of `image`; a partial last block row or column is completed by
// mirroring (BORDER_REFLECT), so the blocks sit at multiples of k from the origin whatever the
// size (crops aligned to the grid give the same means). The same as resize(INTER_AREA) of the
// padded image up to float rounding, at a third of its cost and without the padded copy: rows
// are summed element-wise (vectorised) before the short horizontal sums.
cv::Mat1f BlockMean(const cv::Mat1f& image, int k) {
  const int rows = image.rows, cols = image.cols;
  cv::Mat1f means((rows + k - 1) / k, (cols + k - 1) / k);
  std::vector<float> column_sums(means.cols * k);
  const float scale = 1.0f / static_cast<float>(k * k);
  const auto mirrored = [](int i, int n) { return i < n ? i : 2 * n - 1 - i; };
  for (int by = 0; by < means.rows; ++by) {
    float* sums = column_sums.data();
    std::copy_n(image[mirrored(by * k, rows)], cols, sums);
    for (int y = by * k + 1; y < (by + 1) * k; ++y) {
      const float* row = image[mirrored(y, rows)];
      for (int x = 0; x < cols; ++x) sums[x] += row[x];
    }
    for (int x = cols; x < means.cols * k; ++x) sums[x] = sums[mirrored(x, cols)];
    float* out = means[by];
    for (int bx = 0; bx < means.cols; ++bx) {
      float sum = 0.0f;
      for (int x = bx * k; x < (bx + 1) * k; ++x) sum += sums[x];
      out[bx] = sum * scale;
    }
  }
  return means;
}

// The wide Gaussian on its k-times reduced grid (see WideBlurFactor); UpsampledRows brings it
// back to pixels.
cv::Mat1f ReducedWideBlur(const cv::Mat1f& image, double sigma, int k) {
  cv::Mat1f source = image;
  if (image.rows < k || image.cols < k) {  // too small to mirror once: pad by OpenCV's rule
    cv::copyMakeBorder(image, source, 0, std::max(0, k - image.rows), 0,
                       std::max(0, k - image.cols), cv::BORDER_REFLECT);
  }
  cv::Mat1f reduced = BlockMean(source, k);
  const double residual_var = sigma * sigma - (k * k - 1) / 12.0 - k * k / 6.0;
  const double small_sigma = std::sqrt(std::max(residual_var, 0.25)) / k;
  cv::GaussianBlur(reduced, reduced, cv::Size(), small_sigma, small_sigma, cv::BORDER_REFLECT);
  return reduced;
}

// Linear interpolation of a grid k times coarser than the pixels, one pixel row at a time:
// what cv::resize(INTER_LINEAR) computes for a k-times enlargement (pixel centres aligned,
// edges replicated), without writing the full-size image. Rows are blended from two
// horizontally interpolated grid rows, which change only every k rows.
class UpsampledRows {
 public:
  UpsampledRows(const cv::Mat1f& grid, int k, int width)
      : grid_(grid), k_(k), x0_(width), wx_(width), upper_(width), lower_(width), row_(width) {
    for (int x = 0; x < width; ++x) Locate(x, grid.cols, &x0_[x], &wx_[x]);
  }

  const float* Row(int y) {
    int y0;
    float wy;
    Locate(y, grid_.rows, &y0, &wy);
    if (y0 != cached_y0_) {
      Horizontal(y0, upper_.data());
      Horizontal(std::min(y0 + 1, grid_.rows - 1), lower_.data());
      cached_y0_ = y0;
    }
    const float* a = upper_.data();
    const float* b = lower_.data();
    float* out = row_.data();
    const float wa = 1.0f - wy;
    for (size_t x = 0; x < row_.size(); ++x) out[x] = a[x] * wa + b[x] * wy;
    return out;
  }

 private:
  // Grid cell left of (above) pixel i and the weight of the next cell, as OpenCV computes them.
  void Locate(int i, int n, int* cell, float* weight) const {
    const float f = static_cast<float>((i + 0.5) * (1.0 / k_) - 0.5);
    *cell = static_cast<int>(std::floor(f));
    *weight = f - static_cast<float>(*cell);
    if (*cell < 0) *cell = 0, *weight = 0.0f;
    if (*cell >= n - 1) *cell = n - 1, *weight = 0.0f;
  }

  void Horizontal(int grid_row, float* out) const {
    const float* g = grid_[grid_row];
    const int last = grid_.cols - 1;
    for (size_t x = 0; x < x0_.size(); ++x) {
      const int c = x0_[x];
      out[x] = g[c] * (1.0f - wx_[x]) + g[std::min(c + 1, last)] * wx_[x];
    }
  }

  const cv::Mat1f& grid_;
  const int k_;
  std::vector<int> x0_;
  std::vector<float> wx_, upper_, lower_, row_;
  int cached_y0_ = -1;
};

// response -= the wide blur (on its reduced grid), row by row.
// response = response - background row by row, the background from its reduced grid (k > 1)
// or full size (k == 1), and the block means of |response| gathered on the way.
void SubtractBackground(const cv::Mat1f& background, int k, cv::Mat1f* response,
                        BlockMeanAbsRows* magnitude) {
  std::optional<UpsampledRows> upsampled;
  if (k > 1) upsampled.emplace(background, k, response->cols);
  for (int y = 0; y < response->rows; ++y) {
    const float* b = k > 1 ? upsampled->Row(y) : background[y];
    float* r = (*response)[y];
    for (int x = 0; x < response->cols; ++x) r[x] -= b[x];
    magnitude->Add(y, r);
  }
}

// The noise level changes slowly (over the noise window), so it is estimated on a grid of
// blocks a fraction of the window wide and interpolated where needed: two passes over the
// response instead of a handful of full-size filters.
int NoiseBlockPx(double spacing_mm, const DetectorParams& p) {
  return std::max(1, static_cast<int>(p.noise_window_mm / spacing_mm / p.noise_blocks_per_window));
}

// The noise sigma on the grid of NoiseBlockPx blocks.
// `first_means`: BlockMeanAbs(response, NoiseBlockPx, no clipping).
cv::Mat1f NoiseSigmaGrid(const cv::Mat1f& response, const cv::Mat1f& first_means,
                         double spacing_mm, const DetectorParams& p) {
  const double window_px = p.noise_window_mm / spacing_mm;
  const int block = NoiseBlockPx(spacing_mm, p);
  const int window = std::max(3, 2 * static_cast<int>(window_px / block / 2) + 1);  // in blocks
  // Grid-sized images are pooled and updated in place (a fresh one per step was most of the
  // remaining page faults).
  cv::Mat1f sigma = PooledImage(cv::Size((response.cols + block - 1) / block,
                                         (response.rows + block - 1) / block));
  const auto windowed_sigma = [&](const cv::Mat1f& block_means) {
    cv::boxFilter(block_means, sigma, CV_32F, cv::Size(window, window), cv::Point(-1, -1), true,
                  cv::BORDER_REFLECT);
    sigma *= kSigmaPerMeanAbs;
  };
  windowed_sigma(first_means);
  // Second pass with the outliers (spots, edges) clipped: a bright calcification must not
  // raise the noise estimate that its own contrast is measured against.
  sigma *= p.noise_clip_sigma;
  windowed_sigma(BlockMeanAbs(response, block, sigma));
  cv::max(sigma, p.noise_floor, sigma);
  return sigma;
}

// Calls visit(y, sigma_row) for rows [first_row, size.height) of `size`, the noise sigma
// interpolated from its block grid (or taken as it is when blocks are single pixels).
template <typename Visit>
void ForEachSigmaRow(const cv::Mat1f& sigma_grid, int block, cv::Size size, int first_row,
                     Visit visit) {
  if (block == 1) {
    for (int y = first_row; y < size.height; ++y) visit(y, sigma_grid[y]);
    return;
  }
  UpsampledRows sigma(sigma_grid, block, size.width);
  for (int y = first_row; y < size.height; ++y) visit(y, sigma.Row(y));
}

// The difference of Gaussians at one scale, in place of buffers->response.
struct ScaleBuffers {
  cv::Mat1f& response;
  cv::Mat1f& background;
};

// Also returns the block means of |response| (the noise estimate's first pass).
cv::Mat1f DifferenceOfGaussians(const cv::Mat1f& image, double spot_sigma_px, double spacing_mm,
                                const DetectorParams& p, ScaleBuffers* buffers) {
  Blur(image, spot_sigma_px, &buffers->response);
  const double background_sigma = spot_sigma_px * p.background_ratio;
  const int k = WideBlurFactor(background_sigma, p);
  BlockMeanAbsRows magnitude(image.size(), NoiseBlockPx(spacing_mm, p));
  if (k == 1) {
    Blur(image, background_sigma, &buffers->background);
    SubtractBackground(buffers->background, 1, &buffers->response, &magnitude);
  } else {
    SubtractBackground(ReducedWideBlur(image, background_sigma, k), k, &buffers->response,
                       &magnitude);
  }
  return magnitude.means();
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
  cv::Mat1f sigma(response.size());
  const int block = NoiseBlockPx(spacing_mm, p);
  ForEachSigmaRow(NoiseSigmaGrid(response, BlockMeanAbs(response, block, cv::Mat1f()),
                                 spacing_mm, p),
                  block, response.size(), 0, [&](int y, const float* s) {
                    std::copy_n(s, response.cols, sigma[y]);
                  });
  return sigma;
}

cv::Mat1f EnhanceAtScale(const cv::Mat1f& image, double spot_sigma_px, double spacing_mm,
                         const DetectorParams& p) {
  cv::Mat1f response, background;
  ScaleBuffers buffers{response, background};
  DifferenceOfGaussians(image, spot_sigma_px, spacing_mm, p, &buffers);
  return buffers.response / LocalNoiseSigma(buffers.response, spacing_mm, p);
}

// Per scale: the difference of Gaussians, its noise on the block grid, and one fused pass
// that divides by the interpolated noise and keeps the maximum over scales (no full-size
// noise, quotient or background images: fewer passes and fewer fresh pages).
namespace {

// Rows [first_row, first_row + out->rows) of the enhancement of `image`, written to `out`.
// Per scale: the difference of Gaussians (in pooled buffers), its noise on the block grid, and
// one fused pass that divides by the interpolated noise and keeps the maximum over scales (no
// full-size noise, quotient or background images: fewer passes and no fresh pages).
void EnhanceRowsInto(const cv::Mat1f& image, double spacing_mm, const DetectorParams& p,
                     int first_row, cv::Mat1f* out) {
  cv::Mat1f response = PooledImage(image.size()), background = PooledImage(image.size());
  ScaleBuffers buffers{response, background};
  bool first_scale = true;
  const int block = NoiseBlockPx(spacing_mm, p);
  const cv::Size size(image.cols, first_row + out->rows);  // rows past these are not needed
  for (double sigma : SpotSigmasPx(spacing_mm, p)) {
    const cv::Mat1f magnitude = DifferenceOfGaussians(image, sigma, spacing_mm, p, &buffers);
    ForEachSigmaRow(NoiseSigmaGrid(buffers.response, magnitude, spacing_mm, p), block, size,
                    first_row,
                    [&](int y, const float* noise) {
                      const float* r = buffers.response[y];
                      float* b = (*out)[y - first_row];
                      if (first_scale) {
                        for (int x = 0; x < image.cols; ++x) b[x] = r[x] / noise[x];
                      } else {
                        for (int x = 0; x < image.cols; ++x) b[x] = std::max(b[x], r[x] / noise[x]);
                      }
                    });
    first_scale = false;
  }
}

}  // namespace

cv::Mat1f EnhanceSpots(const cv::Mat1f& image, double spacing_mm, const DetectorParams& p) {
  cv::Mat1f best = PooledImage(image.size());
  EnhanceRowsInto(image, spacing_mm, p, 0, &best);
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
  cv::Mat1f out = PooledImage(image.size());
  ParallelFor(strips, threads, [&](int i) {
    const int first = image.rows * i / strips, end = image.rows * (i + 1) / strips;
    const int source_first = std::max(0, (first - support) / grid * grid);
    const int source_end = std::min(image.rows, end + support);
    cv::Mat1f rows = out.rowRange(first, end);
    EnhanceRowsInto(image.rowRange(source_first, source_end), spacing_mm, p,
                    first - source_first, &rows);
  });
  return out;
}

}  // namespace mammocad::detail
