#include "detector/param_overrides.h"

#include <gtest/gtest.h>

namespace mammocad {
namespace {

TEST(ParamOverrides, SetsNamedFields) {
  DetectorParams p;
  ASSERT_TRUE(ApplyParamOverride("cluster_link_distance_mm=4.5", &p).ok());
  EXPECT_DOUBLE_EQ(p.cluster_link_distance_mm, 4.5);
  ASSERT_TRUE(ApplyParamOverride("cluster_min_members=2.6", &p).ok());
  EXPECT_EQ(p.cluster_min_members, 3);  // integers are rounded
  EXPECT_FALSE(OverridableParamNames().empty());
}

TEST(ParamOverrides, RefusesUnknownNamesAndBadNumbers) {
  DetectorParams p;
  EXPECT_EQ(ApplyParamOverride("no_such_field=1", &p).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(ApplyParamOverride("cluster_min_members", &p).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(ApplyParamOverride("cluster_min_members=x", &p).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(ApplyParamOverride("cluster_min_members=", &p).code(), ErrorCode::kBadParameter);
}

}  // namespace
}  // namespace mammocad
