#include "server/tls.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <string>

namespace mammocad {
namespace {

class TlsFilesTest : public ::testing::Test {
 protected:
  // One file set per test and process: ctest runs the cases of this fixture in parallel.
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + "/mammocad-tls-test-" +
                             std::to_string(getpid()) + "-" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                             "-" + name;
    std::ofstream(path) << text;
    return path;
  }
  const std::string cert_ = Write("cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n"
                                              "-----END CERTIFICATE-----\n");
  const std::string key_ = Write("key.pem", "-----BEGIN PRIVATE KEY-----\nMIIE\n"
                                            "-----END PRIVATE KEY-----\n");
};

TEST_F(TlsFilesTest, NoFilesNoTls) {
  TlsCredentials credentials;
  ASSERT_TRUE(LoadTlsCredentials({}, &credentials).ok());
  EXPECT_FALSE(credentials.enabled());
  EXPECT_FALSE(credentials.verifies_clients());
}

TEST_F(TlsFilesTest, ReadsCertificateKeyAndClientCa) {
  TlsCredentials credentials;
  ASSERT_TRUE(LoadTlsCredentials({cert_, key_, ""}, &credentials).ok());
  EXPECT_TRUE(credentials.enabled());
  EXPECT_FALSE(credentials.verifies_clients());
  EXPECT_NE(credentials.key_pem.find("PRIVATE KEY"), std::string::npos);
  ASSERT_TRUE(LoadTlsCredentials({cert_, key_, cert_}, &credentials).ok());
  EXPECT_TRUE(credentials.verifies_clients());
}

TEST_F(TlsFilesTest, BothOrNeitherAndTheClientCaNeedsTls) {
  TlsCredentials credentials;
  EXPECT_EQ(LoadTlsCredentials({cert_, "", ""}, &credentials).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(LoadTlsCredentials({"", key_, ""}, &credentials).code(), ErrorCode::kBadParameter);
  EXPECT_EQ(LoadTlsCredentials({"", "", cert_}, &credentials).code(), ErrorCode::kBadParameter);
  EXPECT_FALSE(credentials.enabled());
}

TEST_F(TlsFilesTest, UnreadableAndWrongFilesAreNamed) {
  TlsCredentials credentials;
  const Status missing = LoadTlsCredentials({"/nonexistent/cert.pem", key_, ""}, &credentials);
  EXPECT_EQ(missing.code(), ErrorCode::kIoError);
  EXPECT_NE(missing.message().find("/nonexistent/cert.pem"), std::string::npos);
  const Status swapped = LoadTlsCredentials({key_, cert_, ""}, &credentials);
  EXPECT_EQ(swapped.code(), ErrorCode::kBadParameter);
  EXPECT_NE(swapped.message().find(key_), std::string::npos);
  const Status not_pem = LoadTlsCredentials({cert_, Write("junk", "not a key"), ""}, &credentials);
  EXPECT_EQ(not_pem.code(), ErrorCode::kBadParameter);
  EXPECT_FALSE(credentials.enabled()) << "a refused set leaves nothing behind";
}

}  // namespace
}  // namespace mammocad
