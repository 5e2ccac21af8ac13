// The multipart/form-data parser: what browsers, curl and python-requests send, and the
// malformed bodies it must refuse without reading past the end.
#include "server/multipart.h"

#include <gtest/gtest.h>

namespace mammocad {
namespace {

constexpr const char* kType = "multipart/form-data; boundary=XyZ";

struct Parsed {
  Status status;
  NameValues form;
  std::vector<UploadedPart> uploads;
};

Parsed Parse(std::string_view body, std::string_view type = kType,
             MultipartLimits limits = MultipartLimits()) {
  Parsed parsed;
  parsed.status = ParseMultipartFormData(type, body, limits, &parsed.form, &parsed.uploads);
  return parsed;
}

TEST(MultipartBoundary, ReadsTokenAndQuotedForms) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(MultipartBoundary("Multipart/Form-Data;boundary=\"a b;c\""), "a b;c");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; charset=utf-8; boundary=q1"), "q1");
  EXPECT_EQ(MultipartBoundary("multipart/mixed; boundary=abc"), "");
  EXPECT_EQ(MultipartBoundary("multipart/form-data"), "");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary="), "");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')), "");
}

TEST(ParseMultipartFormData, FilesAndValuesInOrder) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"images\"; filename=\"left.png\"\r\n"
      "Content-Type: image/png\r\n\r\n"
      "\x89PNG\r\n--not the boundary\r\n"
      "\r\n--XyZ\r\n"
      "content-disposition: form-data; name=min_score\r\n\r\n"
      "0.5\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=\"images\"; filename=\"r\\\"ight\"\r\n\r\n"
      "\r\n--XyZ--\r\nepilogue";
  Parsed p = Parse(body);
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  ASSERT_EQ(p.uploads.size(), 2u);
  EXPECT_EQ(p.uploads[0].field, "images");
  EXPECT_EQ(p.uploads[0].filename, "left.png");
  EXPECT_EQ(p.uploads[0].content_type, "image/png");
  EXPECT_EQ(p.uploads[0].bytes, "\x89PNG\r\n--not the boundary\r\n");
  EXPECT_EQ(p.uploads[1].filename, "r\"ight");
  EXPECT_EQ(p.uploads[1].bytes, "");
  ASSERT_EQ(p.form.size(), 1u);
  EXPECT_EQ(p.form[0], (std::pair<std::string, std::string>("min_score", "0.5")));
}

TEST(ParseMultipartFormData, EmptyFileNameIsAFormValueAndNamelessPartsAreSkipped) {
  Parsed p = Parse("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"images\"; "
                   "filename=\"\"\r\n\r\nbytes\r\n--XyZ\r\nContent-Type: text/plain\r\n\r\n"
                   "orphan\r\n--XyZ\r\n\r\nno headers\r\n--XyZ--");
  ASSERT_TRUE(p.status.ok()) << p.status.ToString();
  EXPECT_TRUE(p.uploads.empty());
  ASSERT_EQ(p.form.size(), 1u);
  EXPECT_EQ(p.form[0].first, "images");
  EXPECT_EQ(p.form[0].second, "bytes");
}

TEST(ParseMultipartFormData, EmptyBodyWithOnlyTheClosingDelimiter) {
  Parsed p = Parse("--XyZ--\r\n");
  EXPECT_TRUE(p.status.ok());
  EXPECT_TRUE(p.form.empty() && p.uploads.empty());
}

TEST(ParseMultipartFormData, RefusesMalformedBodies) {
  const char* bodies[] = {
      "",                                                     // nothing
      "no delimiter at all",                                  //
      "--XyZ",                                                // opening delimiter only
      "--XyZ\r\nContent-Disposition: form-data; name=a",      // headers do not end
      "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue",  // no closing delimiter
      "--XyZjunk\r\n\r\n\r\n--XyZ--",                         // no line break after delimiter
  };
  for (const char* body : bodies) {
    Parsed p = Parse(body);
    EXPECT_EQ(p.status.code(), ErrorCode::kBadParameter) << body;
  }
  EXPECT_EQ(Parse("--XyZ--", "multipart/form-data").status.code(), ErrorCode::kBadParameter);
  EXPECT_EQ(Parse("--XyZ--", "application/json").status.code(), ErrorCode::kBadParameter);
}

TEST(ParseMultipartFormData, HoldsItsLimits) {
  std::string many;
  for (int i = 0; i < 5; ++i) many += "--XyZ\r\nContent-Disposition: form-data; name=v\r\n\r\nx\r\n";
  many += "--XyZ--";
  MultipartLimits limits;
  limits.max_parts = 4;
  EXPECT_EQ(Parse(many, kType, limits).status.code(), ErrorCode::kPayloadTooLarge);
  limits.max_parts = 5;
  EXPECT_TRUE(Parse(many, kType, limits).status.ok());

  limits.max_part_header_bytes = 64;
  const std::string big_header = "--XyZ\r\nContent-Disposition: form-data; name=v\r\nX-Pad: " +
                                 std::string(100, 'p') + "\r\n\r\nx\r\n--XyZ--";
  EXPECT_EQ(Parse(big_header, kType, limits).status.code(), ErrorCode::kBadParameter);
}

}  // namespace
}  // namespace mammocad
