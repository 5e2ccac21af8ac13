#include "dicom/dicom_net.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "dicom/dicom_writer.h"
#include "mammocad/dicom.h"
#include "testing/free_port.h"

namespace mammocad {
namespace {

// A listener on a free port, run on its own thread, recording what it receives and reports.
class Listening {
 public:
  explicit Listening(DicomListenerConfig config,
                     StoreResponse response = StoreResponse::kSuccess) {
    config.port = FreePort();
    port_ = config.port;
    listener_ = std::make_unique<DicomListener>(
        config,
        [this, response](ReceivedObject&& object) {
          std::lock_guard<std::mutex> lock(mutex_);
          objects_.push_back(std::move(object));
          return response;
        },
        [this](const DicomEvent& event) {
          std::lock_guard<std::mutex> lock(mutex_);
          events_.push_back(event);
        });
    EXPECT_TRUE(listener_->Bind().ok());
    thread_ = std::thread([this] { EXPECT_TRUE(listener_->Run().ok()); });
  }
  ~Listening() {
    listener_->Stop();
    thread_.join();
  }

  DicomPeer peer(const std::string& ae_title = "NODE") const {
    return DicomPeer{ae_title, "127.0.0.1", port_};
  }
  std::vector<ReceivedObject> objects() {
    std::lock_guard<std::mutex> lock(mutex_);
    return objects_;
  }
  // Whether `kind` was reported, waiting up to 5 s: the sender may learn of a dropped
  // association before the listener's thread reports it.
  bool HasEvent(DicomEvent::Kind kind) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const DicomEvent& event : events_)
          if (event.kind == kind) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  int port_ = 0;
  std::unique_ptr<DicomListener> listener_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<ReceivedObject> objects_;
  std::vector<DicomEvent> events_;
};

DicomListenerConfig NodeConfig() {
  DicomListenerConfig config;
  config.ae_title = "NODE";
  config.timeout_seconds = 5;
  return config;
}

std::string Mammogram(DicomTransferSyntax syntax, int size = 96) {
  cv::Mat pixels(size, size, CV_16UC1);
  cv::randu(pixels, 0, 4096);
  DicomWriteOptions options;
  options.transfer_syntax = syntax;
  options.bits_stored = 12;
  std::string bytes;
  EXPECT_TRUE(WriteDicom(pixels, options, &bytes).ok());
  return bytes;
}

TEST(DicomNetTest, ReceivesAStoredImageAsAPart10FileInItsOwnSyntax) {
  Listening node(NodeConfig());
  for (DicomTransferSyntax syntax : {DicomTransferSyntax::kExplicitVrLittleEndian,
                                     DicomTransferSyntax::kJpeg2000Lossless,
                                     DicomTransferSyntax::kJpegLsLossless}) {
    const std::string sent = Mammogram(syntax);
    const Status status = SendDicomObject(node.peer(), "SENDER", sent, 5);
    ASSERT_TRUE(status.ok()) << TransferSyntaxLabel(syntax) << ": " << status.ToString();
    Image original, received;
    ASSERT_TRUE(DecodeDicom(sent, DecodeLimits(), &original).ok());
    const ReceivedObject object = node.objects().back();
    EXPECT_EQ(object.calling_ae, "SENDER");
    EXPECT_EQ(object.sop_class_uid, "1.2.840.10008.5.1.4.1.1.1.2");  // MG for presentation
    ASSERT_TRUE(DecodeDicom(object.bytes, DecodeLimits(), &received).ok());
    EXPECT_EQ(received.transfer_syntax, TransferSyntaxUid(syntax));
    EXPECT_EQ(cv::norm(original.pixels, received.pixels, cv::NORM_INF), 0);
  }
  EXPECT_TRUE(node.HasEvent(DicomEvent::Kind::kAssociationAccepted));
}

TEST(DicomNetTest, RefusesCallingTitlesOutsideTheAllowListAndOtherCalledTitles) {
  DicomListenerConfig config = NodeConfig();
  config.allowed_calling_aes = {"PACS"};
  Listening node(config);
  const std::string image = Mammogram(DicomTransferSyntax::kExplicitVrLittleEndian);
  EXPECT_EQ(SendDicomObject(node.peer(), "STRANGER", image, 5).code(), ErrorCode::kIoError);
  EXPECT_EQ(SendDicomObject(node.peer("NOTNODE"), "PACS", image, 5).code(), ErrorCode::kIoError);
  EXPECT_TRUE(node.objects().empty());
  EXPECT_TRUE(node.HasEvent(DicomEvent::Kind::kAssociationRefused));
  EXPECT_TRUE(SendDicomObject(node.peer(), "PACS", image, 5).ok());
  EXPECT_EQ(node.objects().size(), 1u);
}

TEST(DicomNetTest, DropsAnObjectOverTheSizeLimitAndGoesOn) {
  DicomListenerConfig config = NodeConfig();
  config.max_object_bytes = 100'000;
  Listening node(config);
  const Status big =
      SendDicomObject(node.peer(), "SENDER", Mammogram(DicomTransferSyntax::kExplicitVrLittleEndian, 512), 5);
  EXPECT_FALSE(big.ok());
  EXPECT_TRUE(node.objects().empty());
  EXPECT_TRUE(node.HasEvent(DicomEvent::Kind::kObjectTooLarge));
  EXPECT_TRUE(SendDicomObject(node.peer(), "SENDER",
                              Mammogram(DicomTransferSyntax::kExplicitVrLittleEndian), 5)
                  .ok());
}

TEST(DicomNetTest, TheHandlersStatusReachesTheSender) {
  Listening node(NodeConfig(), StoreResponse::kOutOfResources);
  const Status status = SendDicomObject(
      node.peer(), "SENDER", Mammogram(DicomTransferSyntax::kExplicitVrLittleEndian), 5);
  EXPECT_EQ(status.code(), ErrorCode::kIoError);
  EXPECT_NE(status.message().find("A700"), std::string::npos) << status.message();
}

TEST(DicomNetTest, GarbageAndSilentConnectionsDoNotStopTheListener) {
  DicomListenerConfig config = NodeConfig();
  config.timeout_seconds = 30;  // the association request's own timeout is shorter
  Listening node(config);
  const auto connect_to_node = [&node] {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(std::uint16_t(node.peer().port));
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    return fd;
  };
  const int garbage = connect_to_node();
  std::string noise(65536, '\0');
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = char((i * 7919) & 0xFF);
  EXPECT_GT(send(garbage, noise.data(), noise.size(), MSG_NOSIGNAL), 0);
  const int silent = connect_to_node();  // says nothing: dropped after a few seconds
  const Status status = SendDicomObject(
      node.peer(), "SENDER", Mammogram(DicomTransferSyntax::kExplicitVrLittleEndian), 10);
  EXPECT_TRUE(status.ok()) << status.ToString();
  close(garbage);
  close(silent);
  EXPECT_EQ(node.objects().size(), 1u);
}

TEST(DicomNetTest, APortInUseIsAnIoError) {
  Listening node(NodeConfig());
  DicomListenerConfig config = NodeConfig();
  config.port = node.peer().port;
  DicomListener second(config, [](ReceivedObject&&) { return StoreResponse::kSuccess; },
                       [](const DicomEvent&) {});
  EXPECT_EQ(second.Bind().code(), ErrorCode::kIoError);
}

}  // namespace
}  // namespace mammocad
