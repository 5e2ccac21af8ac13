// A mammogram-like image for DICOM codec tests and benchmarks (header-only so that the
// ASan test binary and bench/ can share it without it entering mammocad_lib). It exercises
// the codecs (texture, noise, saturated spots), not the detector: detection tests use the
// library's simulator (mammocad/synthetic.h). It is: a breast-shaped
// region with smooth, low-frequency parenchyma on a dark background, plus a few small bright
// spots standing in for calcifications. Deterministic for a given seed.
#ifndef MAMMOCAD_TESTING_CODEC_TEST_IMAGE_H_
#define MAMMOCAD_TESTING_CODEC_TEST_IMAGE_H_

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace mammocad::testing {

// Bright spots drawn into the image: centre (x, y) and radius in pixels.
struct CodecTestSpot {
  int x;
  int y;
  int radius;
};

// CV_16UC1 with values in 0..2^bits_stored-1 (CV_8UC1 when bits_stored == 8).
inline cv::Mat MakeCodecTestImage(int rows, int columns, int bits_stored, unsigned seed = 7,
                                      std::vector<CodecTestSpot>* spots = nullptr) {
  cv::RNG rng(seed);
  // Low-frequency texture: upsampled noise.
  cv::Mat coarse(std::max(4, rows / 64), std::max(4, columns / 64), CV_32FC1);
  rng.fill(coarse, cv::RNG::UNIFORM, 0.0, 1.0);
  cv::Mat texture;
  cv::resize(coarse, texture, cv::Size(columns, rows), 0, 0, cv::INTER_CUBIC);

  // Breast: half-ellipse against the left edge, thicker (brighter) towards the chest wall.
  cv::Mat image(rows, columns, CV_32FC1);
  const double radius_x = columns * 0.75, radius_y = rows * 0.45, centre_y = rows / 2.0;
  for (int y = 0; y < rows; ++y) {
    float* out = image.ptr<float>(y);
    const float* tex = texture.ptr<float>(y);
    for (int x = 0; x < columns; ++x) {
      const double dx = x / radius_x, dy = (y - centre_y) / radius_y;
      const double r2 = dx * dx + dy * dy;
      out[x] = r2 < 1.0 ? float(0.25 + 0.35 * std::sqrt(1.0 - r2) + 0.15 * tex[x]) : 0.04f;
    }
  }
  // Fine noise so that compressors see a realistic signal.
  cv::Mat noise(rows, columns, CV_32FC1);
  rng.fill(noise, cv::RNG::NORMAL, 0.0, 0.004);
  image += noise;

  // Calcification-like spots inside the breast.
  for (int i = 0; i < 12; ++i) {
    const CodecTestSpot spot{int(rng.uniform(0.05, 0.45) * columns),
                             int(rng.uniform(0.3, 0.7) * rows), rng.uniform(1, 4)};
    cv::circle(image, cv::Point(spot.x, spot.y), spot.radius, cv::Scalar(0.97), cv::FILLED);
    if (spots) spots->push_back(spot);
  }
  const double max_value = double((1 << bits_stored) - 1);
  cv::Mat result;
  cv::min(cv::max(image, 0.0), 1.0, image);
  image.convertTo(result, bits_stored <= 8 ? CV_8UC1 : CV_16UC1, max_value);
  return result;
}

}  // namespace mammocad::testing

#endif  // MAMMOCAD_TESTING_CODEC_TEST_IMAGE_H_
