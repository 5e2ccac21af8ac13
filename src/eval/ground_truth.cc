// Ground truth readers and the hit rule (eval/ground_truth.h).
#include "eval/ground_truth.h"

#include <filesystem>
#include <sstream>

#include "mammocad/decode.h"

namespace mammocad {
namespace {

bool ParseCsvNumber(const std::string& text, double* value) {
  std::istringstream in(text);
  in >> *value;
  return in && (in >> std::ws).eof();
}

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) {
    const size_t b = field.find_first_not_of(" \t\r");
    const size_t e = field.find_last_not_of(" \t\r");
    fields.push_back(b == std::string::npos ? "" : field.substr(b, e - b + 1));
  }
  return fields;
}

}  // namespace

std::string ImageKey(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

cv::Point2f BoxCentre(const cv::Rect& box) {
  return {box.x + box.width / 2.0f, box.y + box.height / 2.0f};
}

GroundTruth TruthFromMias(const std::vector<MiasAnnotation>& rows) {
  GroundTruth truth;
  for (const MiasAnnotation& row : rows) {
    std::vector<TruthLesion>& lesions = truth[row.id];
    if (row.IsCalcificationCluster()) lesions.push_back({row.centre, row.radius});
  }
  return truth;
}

Status ParseCsvTruth(const std::string& text, GroundTruth* truth) {
  truth->clear();
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::vector<std::string> fields = SplitCsv(line);
    if (number == 1 && !fields.empty() && fields[0] == "image") continue;  // header
    double x, y, radius;
    if (fields.size() != 4 || fields[0].empty() || !ParseCsvNumber(fields[1], &x) ||
        !ParseCsvNumber(fields[2], &y) || !ParseCsvNumber(fields[3], &radius) || radius < 0) {
      return Status(ErrorCode::kBadParameter,
                    "truth CSV line " + std::to_string(number) +
                        ": expected image,x,y,radius (numbers, radius >= 0), got '" +
                        line.substr(0, 80) + "'");
    }
    (*truth)[ImageKey(fields[0])].push_back(
        {cv::Point2f(static_cast<float>(x), static_cast<float>(y)), static_cast<float>(radius)});
  }
  return Status::Ok();
}

Status ReadCsvTruth(const std::string& path, GroundTruth* truth) {
  std::string text;
  if (Status s = ReadFileBytes(path, &text); !s.ok()) return s;
  return ParseCsvTruth(text, truth);
}

bool HitsLesion(const cv::Rect& box, const TruthLesion& lesion) {
  const bool centre_in_circle = cv::norm(BoxCentre(box) - lesion.centre) <= lesion.radius;
  return centre_in_circle || cv::Rect2f(box).contains(lesion.centre);
}

int MatchLesion(const cv::Rect& box, const std::vector<TruthLesion>& lesions) {
  int best = -1;
  double best_distance = 0;
  for (size_t i = 0; i < lesions.size(); ++i) {
    if (!HitsLesion(box, lesions[i])) continue;
    const double distance = cv::norm(BoxCentre(box) - lesions[i].centre);
    if (best < 0 || distance < best_distance) {
      best = static_cast<int>(i);
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace mammocad
