// Image: one decoded mammogram as the detector sees it, plus what is known about its scale.
//
// Contract: `pixels` is single-channel, CV_8UC1 or CV_16UC1, in the pixel grid of the uploaded
// file (boxes are reported in that grid), with bright = dense tissue / calcification (decoders
// invert MONOCHROME1 and similar). `bits_stored` says how many low bits carry signal, so
// 12-bit data in a 16-bit container keep their precision and are scaled by 2^bits_stored - 1.
#ifndef MAMMOCAD_IMAGE_H_
#define MAMMOCAD_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>

namespace mammocad {

// Where the pixel spacing used for an image came from. The names are part of the v2 API.
enum class SpacingSource {
  kImagerPixelSpacing,  // DICOM (0018,1164), corrected by (0018,1114) when present
  kPixelSpacing,        // DICOM (0028,0030)
  kRequest,             // the `pixel_spacing` form value / --pixel-spacing flag
  kServerDefault,       // the front end's --default-pixel-spacing (DetectOptions)
  kDefault,             // none known: assumed field of view (see DetectorParams)
};
std::string_view SpacingSourceName(SpacingSource source);

// True when nobody stated the spacing: only kDefault, the assumed field of view. A server
// default is the department's statement about its own images, so it is not a guess.
bool IsGuessedSpacing(SpacingSource source);

struct Image {
  cv::Mat pixels;          // CV_8UC1 or CV_16UC1, bright = dense; see contract above
  int bits_stored = 8;     // significant bits of `pixels` (1..16)
  std::string format;      // "jpeg", "png", "tiff", "pnm", "bmp", "dicom", ...
  // True when the file's encoding discarded information (JPEG; DICOM in a lossy transfer
  // syntax), so faint calcifications may have been smoothed away. Set by the decoder from
  // its format table; false for lossless encodings.
  bool lossy = false;

  // Scale as found in the file; 0 when the file says nothing. The request may override it.
  double file_spacing_mm = 0.0;
  SpacingSource file_spacing_source = SpacingSource::kDefault;

  // Optional 8-bit rendering for people (DICOM: with the VOI transform applied). When empty,
  // the debug renderer derives one from `pixels`.
  cv::Mat display;

  // DICOM only (empty otherwise): laterality (0020,0062) "L"/"R", view (0018,5101) "CC"/"MLO",
  // presentation intent "FOR PRESENTATION"/"FOR PROCESSING", transfer syntax UID.
  std::string laterality;
  std::string view;
  std::string presentation_intent;
  std::string transfer_syntax;
  // DICOM only (empty otherwise, or when not a valid UID): SOP Instance UID (0008,0018) and
  // Study Instance UID (0020,000D), so batch results can be joined to the archive.
  std::string sop_instance_uid;
  std::string study_instance_uid;
};

// How large an uploaded file may be, checked by every decoder (DecodeImage, DecodeDicom)
// before pixels are decoded. Together the limits bound the memory one file can take.
struct DecodeLimits {
  std::size_t max_bytes = 64u << 20;        // 64 MiB per file (a 3328x4096 16-bit DICOM: 27 MB)
  std::int64_t max_pixels = 40'000'000;     // a 3328x4096 mammogram is 13.6 Mpx

  // DICOM structure, checked by a flat scan before DCMTK parses the file (DCMTK recurses once
  // per nested sequence and allocates an object per element). Vendor mammograms nest 3-4
  // levels deep and hold a few thousand elements.
  int max_dicom_sequence_depth = 32;
  std::int64_t max_dicom_elements = 200'000;  // data elements, those inside items included
  std::int64_t max_dicom_items = 100'000;     // sequence items and pixel data fragments
  // What a DICOM file may hold besides its pixels (headers, private data, overlays): with
  // max_pixels it caps the inflated size of a deflated file (MaxInflatedDicomBytes).
  std::size_t max_dicom_non_pixel_bytes = 16u << 20;
};

// The most a Deflated Explicit VR Little Endian dataset may inflate to: the largest allowed
// image at 2 bytes per sample plus the non-pixel allowance.
inline std::size_t MaxInflatedDicomBytes(const DecodeLimits& limits) {
  return std::size_t(limits.max_pixels > 0 ? limits.max_pixels : 0) * 2 +
         limits.max_dicom_non_pixel_bytes;
}

}  // namespace mammocad

#endif  // MAMMOCAD_IMAGE_H_
