#include "eval/mias.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace mammocad {
namespace {

TEST(MiasAnnotations, ParsesACalcificationRowAndFlipsY) {
  MiasAnnotation a;
  ASSERT_TRUE(ParseMiasAnnotation("mdb209 G CALC M 647 503 87", &a).ok());
  EXPECT_EQ(a.id, "mdb209");
  EXPECT_EQ(a.tissue, 'G');
  EXPECT_EQ(a.abnormality, "CALC");
  EXPECT_EQ(a.severity, 'M');
  EXPECT_TRUE(a.has_location);
  EXPECT_TRUE(a.IsCalcificationCluster());
  EXPECT_FLOAT_EQ(a.centre.x, 647);
  EXPECT_FLOAT_EQ(a.centre.y, 1024 - 503);  // y counts from the bottom
  EXPECT_FLOAT_EQ(a.radius, 87);
}

TEST(MiasAnnotations, RowsWithoutLocation) {
  MiasAnnotation a;
  ASSERT_TRUE(ParseMiasAnnotation("mdb003 D NORM ", &a).ok());
  EXPECT_EQ(a.abnormality, "NORM");
  EXPECT_FALSE(a.has_location);
  EXPECT_FALSE(a.IsCalcificationCluster());
  ASSERT_TRUE(ParseMiasAnnotation("mdb059 F CIRC B", &a).ok());
  EXPECT_EQ(a.severity, 'B');
  EXPECT_FALSE(a.has_location);
}

TEST(MiasAnnotations, RejectsMalformedRows) {
  MiasAnnotation a;
  EXPECT_EQ(ParseMiasAnnotation("mdb001", &a).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(ParseMiasAnnotation("mdb001 G CALC B 10 x 3", &a).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(ParseMiasAnnotation("mdb001 G CALC B 10", &a).code(), ErrorCode::kBadParameter);
}

TEST(MiasAnnotations, ReadsAFileAndReportsMissingOnes) {
  const std::string path = testing::TempDir() + "/mias_annotations_test.txt";
  {
    std::ofstream out(path);
    out << "mdb001 G CIRC B 535 425 197\n\nmdb003 D NORM \r\nmdb226 D CALC B 287 610 7\n";
  }
  std::vector<MiasAnnotation> rows;
  ASSERT_TRUE(ReadMiasAnnotations(path, &rows).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[2].IsCalcificationCluster());
  std::remove(path.c_str());
  EXPECT_EQ(ReadMiasAnnotations(path, &rows).code(), ErrorCode::kIoError);
}

TEST(MiasAnnotations, HitRule) {
  MiasAnnotation a;
  ASSERT_TRUE(ParseMiasAnnotation("x G CALC B 100 924 10", &a).ok());  // centre (100, 100)
  Finding f;
  f.box = cv::Rect(95, 95, 8, 8);          // centre inside the circle
  EXPECT_TRUE(MiasHit(f, a));
  f.box = cv::Rect(60, 60, 60, 20);         // box holds the annotated centre? no (60..80 rows)
  EXPECT_FALSE(MiasHit(f, a));
  f.box = cv::Rect(90, 60, 200, 200);       // box holds the centre, its centre is far away
  EXPECT_TRUE(MiasHit(f, a));
  f.box = cv::Rect(300, 300, 10, 10);
  EXPECT_FALSE(MiasHit(f, a));
  MiasAnnotation normal;
  ASSERT_TRUE(ParseMiasAnnotation("y G NORM", &normal).ok());
  f.box = cv::Rect(0, 0, 1024, 1024);
  EXPECT_FALSE(MiasHit(f, normal));
}

TEST(MiasAnnotations, OperatingPoints) {
  // 2 lesions, 4 images; scores: lesion 0 at 0.9, FP at 0.8 and 0.7, lesion 1 at 0.3, FP 0.2.
  const std::vector<ScoredFinding> f = {{0.9, 0}, {0.8, -1}, {0.7, -1}, {0.3, 1}, {0.2, -1}};
  const OperatingPoint all = EvaluateAt(f, 2, 4, 0.0);
  EXPECT_DOUBLE_EQ(all.sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(all.fp_per_image, 0.75);
  const OperatingPoint strict = BestAtFpRate(f, 2, 4, 0.25);
  EXPECT_DOUBLE_EQ(strict.sensitivity, 0.5);
  EXPECT_DOUBLE_EQ(strict.threshold, 0.9);   // of equally sensitive points, the fewest FPs
  EXPECT_DOUBLE_EQ(strict.fp_per_image, 0.0);
  const OperatingPoint loose = BestAtFpRate(f, 2, 4, 0.5);
  EXPECT_DOUBLE_EQ(loose.sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(loose.threshold, 0.3);
  EXPECT_DOUBLE_EQ(loose.fp_per_image, 0.5);
  const OperatingPoint none = BestAtFpRate(f, 2, 4, -1.0);  // impossible: keep nothing
  EXPECT_DOUBLE_EQ(none.sensitivity, 0.0);
}

}  // namespace
}  // namespace mammocad
