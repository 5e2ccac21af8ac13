#include "detector/param_overrides.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

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

TEST(ParamOverrides, RefusesValuesOutsideTheRange) {
  DetectorParams p;
  const Status s = ApplyParamOverride("mask_otsu_fraction=-1", &p);
  EXPECT_EQ(s.code(), ErrorCode::kBadParameter);
  EXPECT_NE(s.message().find("mask_otsu_fraction must lie in"), std::string::npos) << s.message();
  EXPECT_DOUBLE_EQ(p.mask_otsu_fraction, DetectorParams().mask_otsu_fraction);
}

TEST(ParamTable, EveryFieldIsSettableAndItsDefaultIsTheStructs) {
  const DetectorParams defaults;
  std::set<std::string> names;
  for (const ParamInfo& info : DetectorParamTable()) {
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << info.name;
    EXPECT_DOUBLE_EQ(info.get(defaults), info.default_value) << info.name;
    EXPECT_LE(info.min_value, info.default_value) << info.name;
    EXPECT_GE(info.max_value, info.default_value) << info.name;
    EXPECT_FALSE(info.doc.empty()) << info.name;
    // Setting through the table reaches the field (and only through its own setter).
    DetectorParams p;
    const double other = info.default_value == info.max_value ? info.min_value : info.max_value;
    info.set(&p, other);
    EXPECT_DOUBLE_EQ(info.get(p), other) << info.name;
  }
  EXPECT_GT(names.size(), 30u);
}

TEST(ParamTable, TheReferenceDocIsGeneratedFromTheTable) {
  std::ifstream in(std::string(MAMMOCAD_SOURCE_DIR) + "/docs/detector-params.md");
  ASSERT_TRUE(in) << "docs/detector-params.md is missing: write it with `mammocad params`";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), ParamReferenceMarkdown())
      << "docs/detector-params.md is stale: regenerate it with "
         "`build/src/mammocad params > docs/detector-params.md`";
}

}  // namespace
}  // namespace mammocad
