// Drawing findings for people: the `?debug` reply of the server and `detect --debug-out`.
// Thread-safety: pure functions.
#ifndef MAMMOCAD_RENDER_H_
#define MAMMOCAD_RENDER_H_

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "mammocad/findings.h"
#include "mammocad/image.h"

namespace mammocad {

// The image as a person should see it: `image.display` when the decoder made one (DICOM with
// its VOI transform), else `pixels` stretched to 8 bits. CV_8UC1, same size as `pixels`.
cv::Mat DisplayImage(const Image& image);

// A colour (BGR) copy of the display image with each finding drawn as a box with its score;
// cluster members as small circles. Line width and text size follow the image size.
cv::Mat RenderFindings(const Image& image, const std::vector<Finding>& findings);

// Several renderings side by side, top-aligned on a black canvas, in order.
cv::Mat SideBySide(const std::vector<cv::Mat>& images);

// JPEG bytes of a rendering (quality 90). Empty on failure.
std::string EncodeJpeg(const cv::Mat& image);

}  // namespace mammocad

#endif  // MAMMOCAD_RENDER_H_
