#include "mammocad/image.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mammocad {
namespace {

TEST(SpacingSourceTest, NamesAreTheV2ApiAndOnlyTheAssumedFieldOfViewIsAGuess) {
  struct Row {
    SpacingSource source;
    std::string_view name;
    bool guessed;
  };
  const Row rows[] = {{SpacingSource::kImagerPixelSpacing, "imager_pixel_spacing", false},
                      {SpacingSource::kPixelSpacing, "pixel_spacing", false},
                      {SpacingSource::kRequest, "request", false},
                      {SpacingSource::kServerDefault, "server_default", false},
                      {SpacingSource::kDefault, "default", true}};
  std::set<std::string_view> names;
  for (const Row& row : rows) {
    EXPECT_EQ(SpacingSourceName(row.source), row.name);
    EXPECT_EQ(IsGuessedSpacing(row.source), row.guessed) << row.name;
    EXPECT_TRUE(names.insert(SpacingSourceName(row.source)).second) << row.name;
  }
}

TEST(ImageTest, ANewImageClaimsNothing) {
  const Image image;
  EXPECT_FALSE(image.lossy);
  EXPECT_EQ(image.file_spacing_mm, 0.0);
  EXPECT_EQ(image.file_spacing_source, SpacingSource::kDefault);
}

}  // namespace
}  // namespace mammocad
