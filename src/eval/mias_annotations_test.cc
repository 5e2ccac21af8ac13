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

}  // namespace
}  // namespace mammocad
