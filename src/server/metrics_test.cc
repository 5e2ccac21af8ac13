// The /metrics text: the exposition format's shape, cumulative buckets, escaped labels.
#include "server/metrics.h"

#include <gtest/gtest.h>

namespace mammocad {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(Metrics, CountsRequestsByRouteAndStatus) {
  Metrics metrics;
  metrics.CountRequest("/healthz", 200);
  metrics.CountRequest("/healthz", 200);
  metrics.CountRequest("/detection/BreastCalcify", 503);
  const std::string text = metrics.Text({});
  EXPECT_TRUE(Has(text, "# TYPE mammocad_http_requests_total counter")) << text;
  EXPECT_TRUE(Has(text, "mammocad_http_requests_total{route=\"/healthz\",status=\"200\"} 2"));
  EXPECT_TRUE(Has(text,
                  "mammocad_http_requests_total{route=\"/detection/BreastCalcify\","
                  "status=\"503\"} 1"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.ObserveSeconds("decode", 0.003);
  metrics.ObserveSeconds("decode", 0.2);
  metrics.ObserveSeconds("decode", 500);
  const std::string text = metrics.Text({});
  EXPECT_TRUE(Has(text, "# TYPE mammocad_stage_seconds histogram"));
  EXPECT_TRUE(Has(text, "mammocad_stage_seconds_bucket{stage=\"decode\",le=\"0.005\"} 1"));
  EXPECT_TRUE(Has(text, "mammocad_stage_seconds_bucket{stage=\"decode\",le=\"0.25\"} 2"));
  EXPECT_TRUE(Has(text, "mammocad_stage_seconds_bucket{stage=\"decode\",le=\"120\"} 2"));
  EXPECT_TRUE(Has(text, "mammocad_stage_seconds_bucket{stage=\"decode\",le=\"+Inf\"} 3"));
  EXPECT_TRUE(Has(text, "mammocad_stage_seconds_count{stage=\"decode\"} 3"));
  EXPECT_TRUE(Has(text, "mammocad_stage_seconds_sum{stage=\"decode\"} 500.203"));
  // Stages never observed are there with zeros.
  EXPECT_TRUE(Has(text, "mammocad_stage_seconds_count{stage=\"render\"} 0"));
}

TEST(Metrics, GaugesErrorsAndEscapedLabels) {
  Metrics metrics;
  metrics.CountError("corrupt_image");
  metrics.CountRequest("a\"b\\c\nd", 404);
  MetricsGauges gauges;
  gauges.queue_waiting = 3;
  gauges.queue_capacity = 16;
  gauges.in_flight = 2;
  gauges.ready = true;
  gauges.resident_bytes = 123456789;
  const std::string text = metrics.Text(gauges);
  EXPECT_TRUE(Has(text, "mammocad_errors_total{name=\"corrupt_image\"} 1"));
  EXPECT_TRUE(Has(text, "mammocad_http_requests_total{route=\"a\\\"b\\\\c\\nd\",status=\"404\"} 1"));
  EXPECT_TRUE(Has(text, "mammocad_queue_depth 3"));
  EXPECT_TRUE(Has(text, "mammocad_queue_capacity 16"));
  EXPECT_TRUE(Has(text, "mammocad_in_flight 2"));
  EXPECT_TRUE(Has(text, "mammocad_ready 1"));
  EXPECT_TRUE(Has(text, "process_resident_memory_bytes 123456789"));
  // Every line is a comment or `name{labels} value`: no blank lines, ends with a newline.
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find("\n\n"), std::string::npos);
}

TEST(ResidentBytes, IsPositiveOnLinux) { EXPECT_GT(ResidentBytes(), 0); }

}  // namespace
}  // namespace mammocad
