#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "detector/stages.h"

namespace mammocad::detail {
namespace {

TEST(Normalise, ScalesByBitsStored) {
  Image image;
  image.pixels = cv::Mat(4, 4, CV_16UC1, cv::Scalar(4095));
  image.pixels.at<uint16_t>(0, 0) = 0;
  image.bits_stored = 12;
  const AnalysisImage a = Normalise(image, 0.1, DetectorParams());
  EXPECT_FLOAT_EQ(a.pixels(1, 1), 1.0f);
  EXPECT_FLOAT_EQ(a.pixels(0, 0), 0.0f);
  EXPECT_EQ(a.pixels.size(), cv::Size(4, 4));
  EXPECT_DOUBLE_EQ(a.scale_x, 1.0);
}

TEST(Normalise, EightBitFullScaleIsOne) {
  Image image;
  image.pixels = cv::Mat(2, 2, CV_8UC1, cv::Scalar(255));
  const AnalysisImage a = Normalise(image, 0.2, DetectorParams());
  EXPECT_FLOAT_EQ(a.pixels(0, 1), 1.0f);
  EXPECT_DOUBLE_EQ(a.spacing_mm, 0.2);  // coarser than the analysis spacing: untouched
}

TEST(Normalise, DownsamplesFineImagesAndMapsBack) {
  Image image;
  image.pixels = cv::Mat(400, 300, CV_8UC1, cv::Scalar(100));
  const AnalysisImage a = Normalise(image, 0.05, DetectorParams());  // analysis at 0.1 mm
  EXPECT_EQ(a.pixels.size(), cv::Size(150, 200));
  EXPECT_NEAR(a.spacing_mm, 0.1, 1e-9);
  EXPECT_DOUBLE_EQ(a.scale_x, 2.0);
  const cv::Rect box = ToInputGrid(a, cv::Rect(10, 20, 5, 5), image.pixels.size());
  EXPECT_EQ(box, cv::Rect(20, 40, 10, 10));
  const cv::Point2f centre = ToInputGrid(a, cv::Point2f(10, 20));
  EXPECT_NEAR(centre.x, 20.5, 1e-4);  // centre of input pixels 20 and 21
  // Boxes are clipped to the input image.
  EXPECT_EQ(ToInputGrid(a, cv::Rect(148, 198, 5, 5), image.pixels.size()),
            cv::Rect(296, 396, 4, 4));
}

TEST(Normalise, AreaReductionIsOpenCvsWhateverTheStrips) {
  // A non-integer ratio (0.07 mm -> 0.1 mm), 8 and 16 bits: the same as cv::resize(INTER_AREA)
  // in the input type, then scaled; the same for any number of strips.
  for (int depth : {CV_8U, CV_16U}) {
    Image image;
    image.pixels = cv::Mat(613, 437, depth);
    cv::randu(image.pixels, 0, depth == CV_8U ? 256 : 65536);
    image.bits_stored = depth == CV_8U ? 8 : 16;
    const double max_value = depth == CV_8U ? 255.0 : 65535.0;
    const AnalysisImage one = Normalise(image, 0.07, DetectorParams(), 1);
    cv::Mat reduced;
    cv::resize(image.pixels, reduced, one.pixels.size(), 0, 0, cv::INTER_AREA);
    cv::Mat1f expected;
    reduced.convertTo(expected, CV_32F, 1.0 / max_value);
    // Means that land on .5 may round the other way: at most one step apart, rarely.
    EXPECT_LE(cv::norm(one.pixels, expected, cv::NORM_INF), 1.0 / max_value + 1e-6) << depth;
    EXPECT_LT(cv::countNonZero(cv::abs(one.pixels - expected) > 1e-6 / max_value),
              static_cast<int>(one.pixels.total() / 100)) << depth;
    for (int threads : {2, 3}) {
      const AnalysisImage parts = Normalise(image, 0.07, DetectorParams(), threads);
      EXPECT_EQ(cv::norm(one.pixels, parts.pixels, cv::NORM_INF), 0.0) << threads;
    }
  }
}

}  // namespace
}  // namespace mammocad::detail
