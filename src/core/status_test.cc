#include "mammocad/status.h"

#include <gtest/gtest.h>

namespace mammocad {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s(ErrorCode::kEmptyFile, "file 'a.jpg' is empty");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "empty_file: file 'a.jpg' is empty");
}

TEST(ErrorCodesTest, TableMapsToHttpStatus) {
  EXPECT_EQ(HttpStatus(ErrorCode::kOk), 200);
  EXPECT_EQ(HttpStatus(ErrorCode::kNoImages), 400);
  EXPECT_EQ(HttpStatus(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnsupportedFormat), 415);
  EXPECT_EQ(HttpStatus(ErrorCode::kCorruptImage), 422);
  EXPECT_EQ(HttpStatus(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatus(ErrorCode::kMethodNotAllowed), 405);
  EXPECT_EQ(HttpStatus(ErrorCode::kInternal), 500);
}

TEST(ErrorCodesTest, StatesAreNonZeroForErrors) {
  EXPECT_EQ(StateNumber(ErrorCode::kOk), 0);
  for (ErrorCode c : {ErrorCode::kNoImages, ErrorCode::kEmptyFile, ErrorCode::kCorruptImage,
                      ErrorCode::kInternal}) {
    EXPECT_NE(StateNumber(c), 0) << ErrorName(c);
  }
}

}  // namespace
}  // namespace mammocad
