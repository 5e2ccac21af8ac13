#include "detector/scratch.h"

#include <gtest/gtest.h>

namespace mammocad::detail {
namespace {

TEST(PooledMat, MemoryIsReusedOnceReleased) {
  // Larger than any other test's images: when the pool is full the smallest buffers go first.
  const cv::Size size(4000, 2600);
  const uchar* first = nullptr;
  {
    cv::Mat1f a = PooledImage(size);
    a.setTo(1.0f);
    first = a.data;
  }
  cv::Mat1f b = PooledImage(size);
  EXPECT_EQ(b.data, first);  // the released buffer, not a fresh one
  cv::Mat1f c = PooledImage(size);
  EXPECT_NE(c.data, b.data);  // a buffer in use is never handed out twice
}

TEST(PooledMat, BehavesAsAnOrdinaryMat) {
  cv::Mat1f a = PooledImage({64, 32});
  ASSERT_EQ(a.size(), cv::Size(64, 32));
  a.setTo(2.0f);
  const uchar* data = a.data;
  cv::Mat1f doubled = a * 2.0f;
  a = doubled + 1.0f;  // same size: OpenCV writes into the pooled buffer
  EXPECT_EQ(a.data, data);
  EXPECT_EQ(a(10, 10), 5.0f);
  cv::Mat1f copy = a.clone();
  EXPECT_EQ(cv::norm(copy, a, cv::NORM_INF), 0.0);
}

}  // namespace
}  // namespace mammocad::detail
