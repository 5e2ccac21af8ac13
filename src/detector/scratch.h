// Pooled memory for the detector's full-size images.
//
// A fresh 10-30 MB image is mapped by the kernel page by page on first touch: on a full-field
// mammogram that cost about as much as the filtering itself (a third of the detector's time
// went to page faults). The analysis image, the enhancement's temporaries and its result are
// therefore cv::Mats whose memory comes from a process-wide pool and goes back to it when the
// last Mat referring to it is released. The pool keeps at most kScratchPoolBytes of free
// buffers, so memory stays bounded whatever the number of threads that used it.
#ifndef MAMMOCAD_DETECTOR_SCRATCH_H_
#define MAMMOCAD_DETECTOR_SCRATCH_H_

#include <cstddef>
#include <opencv2/core.hpp>

namespace mammocad::detail {

// About the full-size images of one full-field analysis (four or five analysis-sized images);
// a second analysis at the same time allocates the rest afresh. Bounds the resident memory
// the pool adds to an idle server.
inline constexpr std::size_t kScratchPoolBytes = 128u << 20;

// A Mat of `size` and `type` over pooled memory (contents undefined). It behaves like any
// Mat; OpenCV functions writing a same-sized output into it reuse its memory.
cv::Mat PooledMat(cv::Size size, int type);

inline cv::Mat1f PooledImage(cv::Size size) { return PooledMat(size, CV_32F); }

}  // namespace mammocad::detail

#endif  // MAMMOCAD_DETECTOR_SCRATCH_H_
