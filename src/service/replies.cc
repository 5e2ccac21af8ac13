#include "service/replies.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace mammocad {
namespace {

using nlohmann::json;

// Scores are reported with 4 decimals: finer digits carry no information and bloat replies.
double RoundScore(double score) { return std::round(score * 10000.0) / 10000.0; }

json BoxJson(const cv::Rect& box) {
  return json{{"x", box.x}, {"y", box.y}, {"w", box.width}, {"h", box.height}};
}

json LegacyFindings(const DetectionResult& detection) {
  json list = json::array();
  for (const Finding& f : detection.findings) {
    list.push_back(json::array({RoundScore(f.score), f.box.x, f.box.y, f.box.width, f.box.height}));
  }
  return list;
}

json CalcificationJson(const Calcification& c) {
  return json{{"score", RoundScore(c.score)},
              {"box", BoxJson(c.box)},
              {"centre", {{"x", c.centre.x}, {"y", c.centre.y}}},
              {"diameter_mm", std::round(c.diameter_mm * 1000.0) / 1000.0},
              {"contrast_sigma", std::round(c.contrast * 100.0) / 100.0}};
}

json FindingJson(const Finding& f) {
  json j{{"score", RoundScore(f.score)},
         {"box", BoxJson(f.box)},
         {"kind", f.kind == FindingKind::kCluster ? "cluster" : "calcification"}};
  if (f.kind == FindingKind::kCluster) {
    json members = json::array();
    for (const Calcification& c : f.members) members.push_back(CalcificationJson(c));
    j["calcifications"] = std::move(members);
  }
  return j;
}

json TimingsJson(const ImageAnalysis& a) {
  const StageTimings& t = a.detection.timings;
  return json{{"decode_ms", a.decode_ms},         {"normalise_ms", t.normalise_ms},
              {"mask_ms", t.mask_ms},             {"enhance_ms", t.enhance_ms},
              {"candidates_ms", t.candidates_ms}, {"cluster_ms", t.cluster_ms},
              {"detect_ms", t.total_ms}};
}

json ImageJson(const ImageAnalysis& a) {
  json findings = json::array();
  for (const Finding& f : a.detection.findings) findings.push_back(FindingJson(f));
  json image{{"name", a.name},
             {"width", a.image.pixels.cols},
             {"height", a.image.pixels.rows},
             {"format", a.image.format},
             {"bits_stored", a.image.bits_stored},
             {"pixel_spacing_mm", a.detection.spacing_mm},
             {"pixel_spacing_source", SpacingSourceName(a.detection.spacing_source)},
             {"pixel_spacing_guessed", IsGuessedSpacing(a.detection.spacing_source)},
             {"lossy", a.image.lossy},
             {"findings", std::move(findings)},
             {"timings", TimingsJson(a)}};
  if (!a.image.laterality.empty()) image["laterality"] = a.image.laterality;
  if (!a.image.view.empty()) image["view"] = a.image.view;
  if (!a.image.presentation_intent.empty())
    image["presentation_intent"] = a.image.presentation_intent;
  if (!a.image.transfer_syntax.empty()) image["transfer_syntax"] = a.image.transfer_syntax;
  return image;
}

}  // namespace

std::string LegacyResultText(const AnalysisResponse& response) {
  if (response.images.size() == 1) return LegacyFindings(response.images[0].detection).dump();
  json per_image = json::array();
  for (const ImageAnalysis& a : response.images) per_image.push_back(LegacyFindings(a.detection));
  return per_image.dump();
}

std::string LegacyReply(const AnalysisResponse& response) {
  return json{{"state", 0}, {"result", LegacyResultText(response)}}.dump();
}

std::string LegacyErrorReply(const Status& status) {
  return json{{"state", StateNumber(status.code())}, {"result", status.message()}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

std::string V2Reply(const AnalysisResponse& response, bool pretty) {
  json images = json::array();
  for (const ImageAnalysis& a : response.images) images.push_back(ImageJson(a));
  json reply{{"state", 0}, {"images", std::move(images)}, {"total_ms", response.total_ms}};
  if (!response.operating_points.empty()) {
    json points = json::array();
    for (const NamedOperatingPoint& p : response.operating_points) {
      points.push_back({{"name", p.name},
                        {"min_score", p.min_score},
                        {"sensitivity", p.sensitivity},
                        {"fp_per_image", p.fp_per_image}});
    }
    reply["operating_points"] = std::move(points);
    if (!response.default_operating_point.empty()) {
      reply["default_operating_point"] = response.default_operating_point;
    }
  }
  // Replace invalid UTF-8 in client-supplied names instead of throwing.
  return reply.dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace);
}

std::string V2ErrorReply(const Status& status) {
  json reply{{"state", StateNumber(status.code())},
             {"error",
              {{"code", StateNumber(status.code())},
               {"name", ErrorName(status.code())},
               {"message", status.message()}}}};
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string BatchResultLine(const std::string& path, const ImageAnalysis& analysis) {
  json row{{"path", path}, {"state", 0}};
  json image = ImageJson(analysis);
  image.erase("timings");
  image.erase("name");  // the path says it
  row.update(image);
  if (!analysis.image.sop_instance_uid.empty()) {
    row["sop_instance_uid"] = analysis.image.sop_instance_uid;
  }
  if (!analysis.image.study_instance_uid.empty()) {
    row["study_instance_uid"] = analysis.image.study_instance_uid;
  }
  return row.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string BatchErrorLine(const std::string& path, const Status& status) {
  json row{{"path", path},
           {"state", StateNumber(status.code())},
           {"error",
            {{"code", StateNumber(status.code())},
             {"name", ErrorName(status.code())},
             {"message", status.message()}}}};
  return row.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string LegacyFindingsText(const DetectionResult& detection) {
  return LegacyFindings(detection).dump();
}

std::string HealthReply() { return json{{"status", "ok"}, {"version", MAMMOCAD_VERSION}}.dump(); }

}  // namespace mammocad
