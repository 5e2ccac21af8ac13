#include "eval/mias.h"

#include <algorithm>
#include <fstream>
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

}  // namespace mammocad
