#include "server/dicom_node.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "dicom/cad_sr.h"
#include "dicom/dicom_writer.h"
#include "mammocad/dicom.h"
#include "service/task_registry.h"
#include "testing/free_port.h"

namespace mammocad {
namespace {

// A small flat film at 0.1 mm per pixel (the guessed field of view of a small image would
// be out of the detector's spacing range).
std::string Film(int size) {
  DicomWriteOptions options;
  options.imager_pixel_spacing_mm = 0.1;
  std::string bytes;
  EXPECT_TRUE(WriteDicom(cv::Mat(size, size, CV_16UC1, cv::Scalar(2000)), options, &bytes).ok());
  return bytes;
}

template <typename Predicate>
bool WaitFor(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// A node whose reports go to a second listener in the same process (the "PACS").
class DicomNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MakeTask("BreastCalcify", TaskSettings(), &task_).ok());
    DicomListenerConfig pacs;
    pacs.ae_title = "PACS";
    pacs.port = FreePort();
    pacs.sop_classes = {std::string(MammographyCadSrSopClassUid())};
    pacs_ = std::make_unique<DicomListener>(
        pacs,
        [this](ReceivedObject&& object) {
          std::lock_guard<std::mutex> lock(mutex_);
          reports_.push_back(std::move(object));
          return StoreResponse::kSuccess;
        },
        [](const DicomEvent&) {});
    ASSERT_TRUE(pacs_->Bind().ok());
    pacs_thread_ = std::thread([this] { (void)pacs_->Run(); });

    DicomNodeConfig config;
    config.listener.ae_title = "MAMMOCAD";
    config.listener.port = FreePort();
    config.listener.timeout_seconds = 5;
    config.destination = DicomPeer{"PACS", "127.0.0.1", pacs.port};
    config.threads = 1;
    node_port_ = config.listener.port;
    node_ = std::make_unique<DicomNode>(config, *task_);
    ASSERT_TRUE(node_->Bind().ok());
    node_thread_ = std::thread([this] { EXPECT_TRUE(node_->Run().ok()); });
  }
  void TearDown() override {
    node_->Stop();
    node_thread_.join();
    pacs_->Stop();
    pacs_thread_.join();
  }

  Status Send(const std::string& bytes) {
    return SendDicomObject(DicomPeer{"MAMMOCAD", "127.0.0.1", node_port_}, "MODALITY", bytes, 5);
  }
  std::size_t reports() {
    std::lock_guard<std::mutex> lock(mutex_);
    return reports_.size();
  }

  std::unique_ptr<const DetectionTask> task_;
  std::unique_ptr<DicomListener> pacs_;
  std::thread pacs_thread_;
  std::unique_ptr<DicomNode> node_;
  std::thread node_thread_;
  int node_port_ = 0;
  std::mutex mutex_;
  std::vector<ReceivedObject> reports_;
};

TEST_F(DicomNodeTest, AReceivedImagesReportReachesTheDestination) {
  ASSERT_TRUE(Send(Film(256)).ok());
  ASSERT_TRUE(WaitFor([this] { return reports() == 1; }));
  std::unique_lock<std::mutex> lock(mutex_);
  EXPECT_EQ(reports_[0].calling_ae, "MAMMOCAD");
  EXPECT_EQ(reports_[0].sop_class_uid, MammographyCadSrSopClassUid());
  Image decoded;  // a report, not an image
  EXPECT_EQ(DecodeDicom(reports_[0].bytes, DecodeLimits(), &decoded).code(),
            ErrorCode::kNotAnImage);
  lock.unlock();
  // Counted once the report is sent (just after it arrives).
  EXPECT_TRUE(WaitFor([this] {
    return node_->MetricsText().find("route=\"dicom:C-STORE\",status=\"200\"} 1") !=
           std::string::npos;
  })) << node_->MetricsText();
}

TEST_F(DicomNodeTest, ACorruptImageIsCountedAndGetsNoReportAndTheNodeGoesOn) {
  std::string image = Film(128);
  // Rows (0028,0010) doubled: a well-formed dataset whose pixel data are too short.
  const std::string rows("\x28\x00\x10\x00US\x02\x00\x80\x00", 10);
  const std::size_t at = image.find(rows);
  ASSERT_NE(at, std::string::npos);
  image[at + 8] = char(0x00);
  image[at + 9] = char(0x01);
  ASSERT_TRUE(Send(image).ok());  // taken: the analysis comes after the response
  ASSERT_TRUE(WaitFor([this] {
    return node_->MetricsText().find("name=\"corrupt_image\"") != std::string::npos;
  })) << node_->MetricsText();
  EXPECT_EQ(reports(), 0u);
  ASSERT_TRUE(Send(Film(128)).ok());
  EXPECT_TRUE(WaitFor([this] { return reports() == 1; }));
}

}  // namespace
}  // namespace mammocad
