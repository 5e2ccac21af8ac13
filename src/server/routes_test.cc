// The HTTP API on plain structs: every reply the route table gives, without sockets.
#include "server/routes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

#include "server/viewer_assets.h"
#include "service/task_registry.h"
#include "synth/synthetic.h"

namespace mammocad {
namespace {

using nlohmann::json;

constexpr const char* kLegacyPath = "/detection/BreastCalcify";
constexpr const char* kV2Path = "/v2/detection/BreastCalcify";

std::string Png(const cv::Mat& pixels) {
  std::vector<uchar> bytes;
  EXPECT_TRUE(cv::imencode(".png", pixels, bytes));
  return std::string(bytes.begin(), bytes.end());
}

// A multipart POST with `images` as files named `names`, all holding `bytes`.
HttpRequest Post(std::string path, const std::vector<std::string>& names,
                 const std::string& bytes) {
  HttpRequest request;
  request.method = "POST";
  request.path = std::move(path);
  request.content_type = "multipart/form-data; boundary=x";
  request.has_content_length = true;
  for (const std::string& name : names)
    request.uploads.push_back({"images", name, "image/png", bytes});
  return request;
}

HttpRequest Get(std::string path) {
  HttpRequest request;
  request.method = "GET";
  request.path = std::move(path);
  return request;
}

std::string Header(const HttpReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers)
    if (key == name) return value;
  return "";
}

// The reply's JSON body, after checking it is one.
json Json(const HttpReply& reply) {
  EXPECT_EQ(reply.content_type, "application/json");
  return json::parse(reply.body);
}

void ExpectLegacyError(const HttpReply& reply, ErrorCode code, const std::string& words = "") {
  EXPECT_EQ(reply.status, HttpStatus(code)) << reply.body;
  json body = Json(reply);
  EXPECT_EQ(body["state"], StateNumber(code)) << reply.body;
  ASSERT_TRUE(body["result"].is_string()) << reply.body;
  EXPECT_NE(body["result"].get<std::string>().find(words), std::string::npos) << reply.body;
}

void ExpectV2Error(const HttpReply& reply, ErrorCode code, const std::string& words = "") {
  EXPECT_EQ(reply.status, HttpStatus(code)) << reply.body;
  json body = Json(reply);
  EXPECT_EQ(body["state"], StateNumber(code)) << reply.body;
  EXPECT_EQ(body["error"]["code"], StateNumber(code)) << reply.body;
  EXPECT_EQ(body["error"]["name"], std::string(ErrorName(code))) << reply.body;
  EXPECT_NE(body["error"]["message"].get<std::string>().find(words), std::string::npos)
      << reply.body;
  EXPECT_FALSE(body.contains("result"));
}

class RoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SyntheticOptions options;  // 1024 x 1024 at 0.1 mm, two clusters
    mammogram_ = new std::string(Png(MakeSyntheticMammogram(options).image.pixels));
  }
  static void TearDownTestSuite() { delete mammogram_; }

  void SetUp() override {
    Status status = MakeTasks(TaskSettings(), &tasks_);
    ASSERT_TRUE(status.ok()) << status.ToString();
    RouteSettings settings;
    settings.max_images_per_request = 3;
    routes_ = std::make_unique<Routes>(settings, tasks_);
  }

  // A POST of the synthetic mammogram at its true spacing.
  static HttpRequest PostMammogram(std::string path, int images = 1) {
    std::vector<std::string> names;
    for (int i = 1; i <= images; ++i) names.push_back("left" + std::to_string(i) + ".png");
    HttpRequest request = Post(std::move(path), names, *mammogram_);
    request.form.emplace_back("pixel_spacing", "0.1");
    return request;
  }

  static std::string* mammogram_;
  std::vector<std::unique_ptr<const DetectionTask>> tasks_;
  std::unique_ptr<Routes> routes_;
};

std::string* RoutesTest::mammogram_ = nullptr;

TEST_F(RoutesTest, TheTableReadsLikeTheApi) {
  std::vector<std::string> rows;
  std::size_t viewer_files = 0;
  for (const Route& route : routes_->table()) {
    if (route.method == "GET" && FindViewerAsset(route.path) != nullptr) {
      ++viewer_files;  // the viewer's files, checked below
      continue;
    }
    rows.push_back(route.method + " " + route.path +
                   (route.style == ReplyStyle::kV2 ? " v2" : " legacy"));
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"POST /detection/BreastCalcify legacy",
                                            "POST /v2/detection/BreastCalcify v2",
                                            "POST /v2/images/decode v2",
                                            "GET /healthz legacy",
                                            "GET /readyz legacy",
                                            "GET /metrics legacy"}));
  EXPECT_EQ(viewer_files, ViewerAssets().size());
}

TEST_F(RoutesTest, ReadyzFollowsTheProbes) {
  EXPECT_EQ(routes_->Dispatch(Get("/readyz")).status, 200);  // no probes: ready
  bool overloaded = false, draining = false;
  ServerProbes probes;
  probes.overloaded = [&] { return overloaded; };
  probes.draining = [&] { return draining; };
  probes.metrics_text = [] { return std::string("mammocad_ready 1\n"); };
  Routes routes(RouteSettings(), tasks_, probes);
  HttpReply ready = routes.Dispatch(Get("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(Json(ready)["status"], "ready");
  overloaded = true;
  ExpectLegacyError(routes.Dispatch(Get("/readyz")), ErrorCode::kOverloaded, "queue is full");
  overloaded = false;
  draining = true;
  ExpectLegacyError(routes.Dispatch(Get("/readyz")), ErrorCode::kOverloaded, "shutting down");
  HttpReply metrics = routes.Dispatch(Get("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body, "mammocad_ready 1\n");
  EXPECT_EQ(metrics.content_type.substr(0, 10), "text/plain");
}

TEST_F(RoutesTest, DebugCanvasOverTheCapIsScaledDown) {
  RouteSettings settings;
  settings.max_debug_pixels = 256 * 256;  // the 1024 x 1024 image: scale 1/4
  Routes routes(settings, tasks_);
  HttpRequest request = PostMammogram(kLegacyPath);
  request.query.emplace_back("debug", "");
  HttpReply reply = routes.Dispatch(request);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Header(reply, "X-Debug-Scale"), "0.2500");
  cv::Mat decoded = cv::imdecode(std::vector<uchar>(reply.body.begin(), reply.body.end()),
                                 cv::IMREAD_COLOR);
  EXPECT_EQ(decoded.size(), cv::Size(256, 256));
}

TEST_F(RoutesTest, RepliesCarryStageTimesAndErrorNamesForTheMetrics) {
  HttpReply ok = routes_->Dispatch(PostMammogram(kLegacyPath));
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.error_name, "");
  std::vector<std::string> stages;
  for (const auto& [stage, seconds] : ok.stage_seconds) {
    stages.push_back(stage);
    EXPECT_GE(seconds, 0);
  }
  EXPECT_EQ(stages, (std::vector<std::string>{"decode", "detect"}));
  EXPECT_EQ(routes_->Dispatch(Get("/nowhere")).error_name, "not_found");
}

TEST_F(RoutesTest, LegacyReplyHoldsTheFindingsAsJsonText) {
  HttpReply reply = routes_->Dispatch(PostMammogram(kLegacyPath));
  ASSERT_EQ(reply.status, 200) << reply.body;
  json body = Json(reply);
  EXPECT_EQ(body["state"], 0);
  ASSERT_TRUE(body["result"].is_string());
  json findings = json::parse(body["result"].get<std::string>());
  ASSERT_TRUE(findings.is_array());
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings[0].size(), 5u);  // [score, x, y, w, h]
  EXPECT_GT(findings[0][0].get<double>(), 0.0);
}

TEST_F(RoutesTest, LegacyReplyForSeveralImagesHasOneListEach) {
  HttpReply reply = routes_->Dispatch(PostMammogram(kLegacyPath, 2));
  ASSERT_EQ(reply.status, 200) << reply.body;
  json per_image = json::parse(Json(reply)["result"].get<std::string>());
  ASSERT_EQ(per_image.size(), 2u);
  EXPECT_EQ(per_image[0], per_image[1]);
}

TEST_F(RoutesTest, V2ReplyDescribesEachImage) {
  HttpReply reply = routes_->Dispatch(PostMammogram(kV2Path));
  ASSERT_EQ(reply.status, 200) << reply.body;
  json body = Json(reply);
  EXPECT_EQ(body["state"], 0);
  ASSERT_EQ(body["images"].size(), 1u);
  const json& image = body["images"][0];
  EXPECT_EQ(image["name"], "left1.png");
  EXPECT_EQ(image["width"], 1024);
  EXPECT_EQ(image["pixel_spacing_source"], "request");
  EXPECT_FALSE(image["findings"].empty());
  EXPECT_EQ(image["findings"][0]["kind"], "cluster");
}

TEST_F(RoutesTest, DebugGivesAJpeg) {
  for (auto [path, value] : std::vector<std::pair<std::string, std::string>>{
           {kLegacyPath, ""}, {kV2Path, ""}, {kLegacyPath, "1"}}) {
    HttpRequest request = PostMammogram(path);
    request.query.emplace_back("debug", value);  // ?debug, ?debug=1
    HttpReply reply = routes_->Dispatch(request);
    ASSERT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.content_type, "image/jpeg");
    ASSERT_GT(reply.body.size(), 2u);
    EXPECT_EQ(reply.body.substr(0, 2), "\xFF\xD8");  // the JPEG start-of-image marker
    cv::Mat decoded = cv::imdecode(std::vector<uchar>(reply.body.begin(), reply.body.end()),
                                   cv::IMREAD_COLOR);
    EXPECT_EQ(decoded.size(), cv::Size(1024, 1024));
  }
  for (const char* value : {"0", "false"}) {
    HttpRequest off = PostMammogram(kLegacyPath);
    off.query.emplace_back("debug", value);
    EXPECT_EQ(routes_->Dispatch(off).content_type, "application/json") << value;
  }
}

TEST_F(RoutesTest, UnknownPathsAre404InThePathsStyle) {
  HttpRequest legacy = PostMammogram("/detection/Masses");
  ExpectLegacyError(routes_->Dispatch(legacy), ErrorCode::kNotFound,
                    "no such path: /detection/Masses");
  ExpectV2Error(routes_->Dispatch(PostMammogram("/v2/detection/Masses")), ErrorCode::kNotFound,
                "/v2/detection/Masses");
  ExpectLegacyError(routes_->Dispatch(Get("/viewer")), ErrorCode::kNotFound);
}

TEST_F(RoutesTest, OtherMethodsOnKnownPathsAre405WithAllow) {
  HttpReply legacy = routes_->Dispatch(Get(kLegacyPath));
  ExpectLegacyError(legacy, ErrorCode::kMethodNotAllowed,
                    "method GET is not allowed here; use POST");
  EXPECT_EQ(Header(legacy, "Allow"), "POST");

  HttpReply v2 = routes_->Dispatch(Get(kV2Path));
  ExpectV2Error(v2, ErrorCode::kMethodNotAllowed, "GET");
  EXPECT_EQ(Header(v2, "Allow"), "POST");

  HttpRequest remove = Get("/healthz");
  remove.method = "DELETE";
  HttpReply health = routes_->Dispatch(remove);
  ExpectLegacyError(health, ErrorCode::kMethodNotAllowed, "DELETE");
  EXPECT_EQ(Header(health, "Allow"), "GET");
}

TEST_F(RoutesTest, HealthzAnswersGetAndHead) {
  HttpReply reply = routes_->Dispatch(Get("/healthz"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(Json(reply), json::parse(R"({"status":"ok","version":")" MAMMOCAD_VERSION R"("})"));
  HttpRequest head = Get("/healthz");
  head.method = "HEAD";
  EXPECT_EQ(routes_->Dispatch(head).status, 200);
}

TEST_F(RoutesTest, RequestsWithoutImagesAreNoImages) {
  HttpRequest wrong_field = Post(kLegacyPath, {"pic.png"}, *mammogram_);
  wrong_field.uploads[0].field = "image";
  ExpectLegacyError(routes_->Dispatch(wrong_field), ErrorCode::kNoImages, "'images'");

  HttpRequest only_values = Post(kLegacyPath, {}, "");
  only_values.form.emplace_back("level", "cluster");
  ExpectLegacyError(routes_->Dispatch(only_values), ErrorCode::kNoImages);

  HttpRequest not_multipart = PostMammogram(kV2Path);
  not_multipart.content_type = "application/octet-stream";
  ExpectV2Error(routes_->Dispatch(not_multipart), ErrorCode::kNoImages, "multipart/form-data");
}

TEST_F(RoutesTest, BadFormValuesAreBadParameterNamingTheField) {
  for (auto [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"level", "lesion"}, {"min_score", "2"}, {"pixel_spacing", "abc"}}) {
    HttpRequest request = Post(kLegacyPath, {"a.png"}, *mammogram_);
    request.form.emplace_back(field, value);
    ExpectLegacyError(routes_->Dispatch(request), ErrorCode::kBadParameter, field);
  }
  // Form values may also come in the query string.
  HttpRequest query = Post(kV2Path, {"a.png"}, *mammogram_);
  query.query.emplace_back("level", "lesion");
  ExpectV2Error(routes_->Dispatch(query), ErrorCode::kBadParameter, "level");
}

TEST_F(RoutesTest, TooManyImagesArePayloadTooLarge) {
  ExpectLegacyError(routes_->Dispatch(PostMammogram(kLegacyPath, 4)),
                    ErrorCode::kPayloadTooLarge, "more than 3 images");
}

TEST_F(RoutesTest, UnknownFormValuesAreIgnored) {
  HttpRequest request = PostMammogram(kLegacyPath);
  request.form.emplace_back("client_id", "old-viewer");
  request.query.emplace_back("token", "whatever");
  HttpReply reply = routes_->Dispatch(request);
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Json(reply)["state"], 0);
}

TEST_F(RoutesTest, ImagesWithoutFileNameAreNamedByPosition) {
  HttpRequest request = Post(kV2Path, {"", "second.png"}, *mammogram_);
  request.form.emplace_back("images", *mammogram_);  // file content sent as a plain value
  request.form.emplace_back("pixel_spacing", "0.1");
  HttpReply reply = routes_->Dispatch(request);
  ASSERT_EQ(reply.status, 200) << reply.body;
  json images = Json(reply)["images"];
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(images[0]["name"], "image1");
  EXPECT_EQ(images[1]["name"], "second.png");
  EXPECT_EQ(images[2]["name"], "image3");
}

TEST_F(RoutesTest, AFailingImageIsNamedInTheError) {
  HttpRequest request = PostMammogram(kLegacyPath, 2);
  request.uploads[1].filename = "pic2";
  request.uploads[1].bytes.clear();
  ExpectLegacyError(routes_->Dispatch(request), ErrorCode::kEmptyFile, "image 2 ('pic2'): ");
}

TEST_F(RoutesTest, DetectionRepliesCarryALogNoteWithoutNamesOrValues) {
  // A PNG without spacing next to a JPEG of it: both guessed, the second lossy.
  HttpRequest request = Post(kV2Path, {"Doe^Jane.png"}, *mammogram_);
  std::vector<uchar> jpeg;
  ASSERT_TRUE(cv::imencode(".jpg", cv::imdecode(cv::Mat(1, int(mammogram_->size()), CV_8UC1,
                                                        mammogram_->data()),
                                                cv::IMREAD_GRAYSCALE),
                           jpeg));
  request.uploads.push_back({"images", "second.jpg", "image/jpeg", {jpeg.begin(), jpeg.end()}});
  request.form.emplace_back("min_score", "0.123");
  for (const char* path : {kV2Path, kLegacyPath}) {
    request.path = path;
    const HttpReply reply = routes_->Dispatch(request);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.log_note, "images=2 spacing=default(guessed),default(guessed) lossy=0,1");
  }
  request.form.emplace_back("pixel_spacing", "0.1");
  EXPECT_EQ(routes_->Dispatch(request).log_note, "images=2 spacing=request,request lossy=0,1");
  // After an error only the count: the message may name the file.
  request.uploads[1].bytes.clear();
  const HttpReply error = routes_->Dispatch(request);
  EXPECT_EQ(error.status, HttpStatus(ErrorCode::kEmptyFile));
  EXPECT_EQ(error.log_note, "images=2");
  EXPECT_EQ(routes_->Dispatch(Get("/healthz")).log_note, "");
}

TEST(RefuseBodyWithoutLengthTest, OnlyBodyCarryingMethodsWithoutALength) {
  HttpRequest post = Post("/v2/detection/BreastCalcify", {}, "");
  post.has_content_length = false;
  std::optional<HttpReply> refusal = RefuseBodyWithoutLength(post);
  ASSERT_TRUE(refusal.has_value());
  ExpectV2Error(*refusal, ErrorCode::kNoImages, "no Content-Length");
  EXPECT_EQ(Header(*refusal, "Connection"), "close");

  post.path = kLegacyPath;
  ASSERT_TRUE(RefuseBodyWithoutLength(post).has_value());
  ExpectLegacyError(*RefuseBodyWithoutLength(post), ErrorCode::kNoImages);

  post.transfer_encoding = "chunked";
  EXPECT_FALSE(RefuseBodyWithoutLength(post).has_value());
  post.transfer_encoding = "";
  post.has_content_length = true;
  EXPECT_FALSE(RefuseBodyWithoutLength(post).has_value());
  EXPECT_FALSE(RefuseBodyWithoutLength(Get("/healthz")).has_value());
}

// A task whose first run throws, as a bug in a task would; the later runs find nothing.
class ThrowsOnceTask : public DetectionTask {
 public:
  const std::string& name() const override { return name_; }
  const std::vector<TaskOption>& options() const override { return options_; }
  Status ParseOptions(const OptionLookup&, DetectOptions*) const override { return Status::Ok(); }
  Status Run(const Image&, const DetectOptions&, DetectionResult* result) const override {
    if (!thrown_.exchange(true)) throw std::runtime_error("a bug in the task");
    *result = DetectionResult();
    return Status::Ok();
  }

 private:
  std::string name_ = "ThrowsOnce";
  std::vector<TaskOption> options_;
  mutable std::atomic<bool> thrown_{false};
};

TEST(RoutesGuardTest, AThrowingHandlerIsA500AndTheNextRequestWorks) {
  for (ReplyStyle style : {ReplyStyle::kLegacy, ReplyStyle::kV2}) {
    std::vector<std::unique_ptr<const DetectionTask>> tasks;
    tasks.push_back(std::make_unique<ThrowsOnceTask>());
    RouteSettings settings;
    settings.compute_threads = 1;  // a slot not given back would block the second request
    Routes routes(settings, tasks);
    const std::string path = style == ReplyStyle::kV2 ? "/v2/detection/ThrowsOnce"
                                                      : "/detection/ThrowsOnce";
    const HttpRequest request = Post(path, {"tiny.png"}, Png(cv::Mat(16, 16, CV_8UC1, 128)));

    HttpReply failed = routes.Dispatch(request);
    if (style == ReplyStyle::kV2) {
      ExpectV2Error(failed, ErrorCode::kInternal, "internal error");
    } else {
      ExpectLegacyError(failed, ErrorCode::kInternal, "internal error");
    }
    EXPECT_EQ(failed.body.find("a bug in the task"), std::string::npos) << "no internals leak";

    HttpReply next = routes.Dispatch(request);
    EXPECT_EQ(next.status, 200) << next.body;
    EXPECT_EQ(Json(next)["state"], 0);
  }
}

}  // namespace
}  // namespace mammocad

namespace mammocad {
namespace {

TEST_F(RoutesTest, TheViewerIsServedAtTheRoot) {
  HttpReply page = routes_->Dispatch(Get("/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(Header(page, "Content-Security-Policy").substr(0, 18), "default-src 'self'");
  HttpRequest head = Get("/main.js");
  head.method = "HEAD";
  EXPECT_EQ(routes_->Dispatch(head).content_type, "text/javascript; charset=utf-8");
}

TEST_F(RoutesTest, DecodeGivesThePixelsAtFullDepth) {
  cv::Mat wide(3, 5, CV_16UC1, cv::Scalar(4000));
  wide.at<std::uint16_t>(2, 4) = 0x1234;
  HttpReply reply = routes_->Dispatch(Post("/v2/images/decode", {"w.png"}, Png(wide)));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "application/octet-stream");
  EXPECT_EQ(Header(reply, "X-Image-Width"), "5");
  EXPECT_EQ(Header(reply, "X-Image-Height"), "3");
  EXPECT_EQ(Header(reply, "X-Image-Bytes-Per-Sample"), "2");  // bits_stored: from the data
  ASSERT_EQ(reply.body.size(), 30u);
  EXPECT_EQ(reply.body.substr(28), std::string("\x34\x12", 2));
  EXPECT_EQ(reply.log_note, "format=png");
}

TEST_F(RoutesTest, DecodeErrorsAreTheDetectionErrorsInV2Shape) {
  ExpectV2Error(routes_->Dispatch(Post("/v2/images/decode", {"bad.png"}, "\x89PNG\r\n\x1a\nxx")),
                ErrorCode::kCorruptImage, "image 1 ('bad.png')");
  ExpectV2Error(routes_->Dispatch(Post("/v2/images/decode", {"a.png", "b.png"}, *mammogram_)),
                ErrorCode::kBadParameter, "exactly one image");
  ExpectV2Error(routes_->Dispatch(Post("/v2/images/decode", {}, "")), ErrorCode::kNoImages);
  RouteSettings small;
  small.limits.max_pixels = 1000;
  Routes routes(small, tasks_);
  ExpectV2Error(routes.Dispatch(Post("/v2/images/decode", {"big.png"}, *mammogram_)),
                ErrorCode::kTooManyPixels);
}

TEST_F(RoutesTest, DebugAsAFormValueAndSeveralImagesInLabelledPanels) {
  HttpRequest request = PostMammogram(kV2Path, 2);
  request.form.emplace_back("debug", "1");
  HttpReply reply = routes_->Dispatch(request);
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_EQ(reply.content_type, "image/jpeg");
  cv::Mat picture = cv::imdecode(std::vector<uchar>(reply.body.begin(), reply.body.end()),
                                 cv::IMREAD_COLOR);
  EXPECT_GT(picture.cols, 2048);  // two panels and a gap
  EXPECT_GT(picture.rows, 1024);  // under a caption strip
  // The gap between the panels is the panel colour, not image.
  const cv::Vec3b gap = picture.at<cv::Vec3b>(picture.rows / 2, 1024 + 2);
  EXPECT_NEAR(gap[0], 40, 6);
}

// dicom-serve --http-port: the routes and the DICOM node share one gate, so an analysis
// waits while the node holds every slot.
TEST_F(RoutesTest, ASharedGateHeldElsewhereHoldsTheAnalysisBack) {
  ComputeGate gate(1);
  RouteSettings settings;
  settings.shared_gate = &gate;
  Routes routes(settings, tasks_);
  gate.Enter();  // the other front end's analysis
  std::atomic<bool> answered{false};
  std::thread request([&] {
    EXPECT_EQ(routes.Dispatch(PostMammogram(kV2Path)).status, 200);
    answered = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(answered) << "the request did not wait for the shared gate";
  gate.Leave();
  request.join();
  EXPECT_TRUE(answered);
}

}  // namespace
}  // namespace mammocad
