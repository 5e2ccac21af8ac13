// Drawing findings for people: the `?debug` reply of the server and `detect --debug-out`.
// Thread-safety: pure functions.
#ifndef MAMMOCAD_RENDER_H_
#define MAMMOCAD_RENDER_H_

#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mammocad/findings.h"
#include "mammocad/image.h"

namespace mammocad {

// The image as a person should see it: `image.display` when the decoder made one (DICOM with
// its VOI transform), else `pixels` stretched to 8 bits. CV_8UC1, same size as `pixels`.
cv::Mat DisplayImage(const Image& image);

// The colours of findings, shared with the web viewer (web/viewer.css, --cluster and
// --calcification): clusters red #ff453a, single calcifications and cluster members yellow
// #ffd60a. BGR.
inline const cv::Scalar kClusterColour(58, 69, 255);
inline const cv::Scalar kCalcificationColour(10, 214, 255);

// The window [low, high] in `pixels`' units that reproduces `image.display` (DICOM's VOI
// window or LUT, as the decoder applied it), fitted to the display's linear part; nullopt
// when the decoder made no display or it is not increasing. The web viewer's starting
// window (POST /v2/images/decode).
struct GreyWindow {
  double low = 0, high = 0;
};
std::optional<GreyWindow> DisplayWindow(const Image& image);

// A colour (BGR) copy of the display image with each finding outlined: a box drawn a gap
// outside the finding's box, so the outline never covers the specks, with its score on a dark
// tag placed where it overlaps no other tag (above, below, right or left of the outline);
// cluster members ringed, the ring a gap outside the spot. Line width, gap and text size
// follow the image size. Lowest scores are drawn first, so the strongest stay on top.
cv::Mat RenderFindings(const Image& image, const std::vector<Finding>& findings);

// Several renderings side by side, top-aligned on a black canvas, in order.
cv::Mat SideBySide(const std::vector<cv::Mat>& images);

// One picture of a multi-image reply: the rendering and its caption (e.g. "left.dcm L CC").
struct Panel {
  cv::Mat image;  // CV_8UC3
  std::string caption;  // printable ASCII is drawn; other bytes as '?'
};

// Panels side by side on a dark grey canvas, each under a caption strip, with a gap between
// them (caption height and gap follow the tallest panel). One panel without a caption is
// returned as it is (the single-image picture of old clients keeps its size).
cv::Mat LabelledPanels(const std::vector<Panel>& panels);

// JPEG bytes of a rendering (quality 90). Empty on failure.
std::string EncodeJpeg(const cv::Mat& image);

}  // namespace mammocad

#endif  // MAMMOCAD_RENDER_H_
