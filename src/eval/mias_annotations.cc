#include "eval/mias.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace mammocad {

Status ParseMiasAnnotation(std::string_view line, MiasAnnotation* a) {
  *a = MiasAnnotation();
  std::istringstream in{std::string(line)};
  std::string tissue, severity;
  if (!(in >> a->id >> tissue >> a->abnormality) || tissue.size() != 1) {
    return Status(ErrorCode::kBadParameter, "malformed MIAS row: '" + std::string(line) + "'");
  }
  a->tissue = tissue[0];
  if (!(in >> severity)) return Status::Ok();  // normal image: no severity, no location
  if (severity.size() != 1) {
    return Status(ErrorCode::kBadParameter, "malformed MIAS severity: '" + std::string(line) + "'");
  }
  a->severity = severity[0];
  double x, y, radius;
  if (!(in >> x)) return Status::Ok();  // abnormality spread through the image
  if (!(in >> y >> radius) || radius < 0) {
    return Status(ErrorCode::kBadParameter, "malformed MIAS location: '" + std::string(line) + "'");
  }
  a->has_location = true;
  a->centre = cv::Point2f(static_cast<float>(x), static_cast<float>(kMiasImageSize - y));
  a->radius = static_cast<float>(radius);
  return Status::Ok();
}

Status ReadMiasAnnotations(const std::string& path, std::vector<MiasAnnotation>* annotations) {
  annotations->clear();
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::kIoError, "cannot read " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    MiasAnnotation a;
    if (Status s = ParseMiasAnnotation(line, &a); !s.ok()) return s;
    annotations->push_back(std::move(a));
  }
  return Status::Ok();
}

bool MiasHit(const Finding& finding, const MiasAnnotation& annotation) {
  if (!annotation.has_location) return false;
  const cv::Point2f box_centre(finding.box.x + finding.box.width / 2.0f,
                               finding.box.y + finding.box.height / 2.0f);
  const bool centre_in_circle = cv::norm(box_centre - annotation.centre) <= annotation.radius;
  const cv::Rect2f box(finding.box);
  return centre_in_circle || box.contains(annotation.centre);
}

OperatingPoint EvaluateAt(const std::vector<ScoredFinding>& findings, int lesions, int images,
                          double threshold) {
  OperatingPoint point;
  point.threshold = threshold;
  std::set<int> hit;
  int false_positives = 0;
  for (const ScoredFinding& f : findings) {
    if (f.score < threshold) continue;
    if (f.lesion >= 0) hit.insert(f.lesion); else ++false_positives;
  }
  point.sensitivity = lesions > 0 ? static_cast<double>(hit.size()) / lesions : 0.0;
  point.fp_per_image = images > 0 ? static_cast<double>(false_positives) / images : 0.0;
  return point;
}

OperatingPoint BestAtFpRate(const std::vector<ScoredFinding>& findings, int lesions, int images,
                            double max_fp_per_image) {
  constexpr double kAboveEveryScore = 1.0 + 1e-9;
  OperatingPoint best = EvaluateAt(findings, lesions, images, kAboveEveryScore);
  for (const ScoredFinding& f : findings) {
    const OperatingPoint p = EvaluateAt(findings, lesions, images, f.score);
    if (p.fp_per_image > max_fp_per_image) continue;
    const bool better = p.sensitivity > best.sensitivity ||
                        (p.sensitivity == best.sensitivity && p.fp_per_image < best.fp_per_image);
    if (better) best = p;
  }
  return best;
}

}  // namespace mammocad
