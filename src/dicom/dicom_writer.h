// DICOM writer: wraps a greyscale cv::Mat as a Digital Mammography X-Ray Image (modality MG)
// in any transfer syntax the reader supports (plus retired big endian, to test refusals). It
// exists for tests and benchmarks: fixtures are made in-process, never checked in as binaries.
//
// Pixel values are written exactly as given (stored values); options only add attributes.
// So for a MONOCHROME1 fixture pass the already inverted pixels.
// Thread-safety: WriteDicom may be called from many threads at once.
#ifndef MAMMOCAD_DICOM_WRITER_H_
#define MAMMOCAD_DICOM_WRITER_H_

#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dicom/transfer_syntax.h"  // DicomTransferSyntax
#include "mammocad/status.h"

namespace mammocad {


// Every syntax DecodeDicom reads, in the order above.
const std::vector<DicomTransferSyntax>& ReadableTransferSyntaxes();
std::string_view TransferSyntaxUid(DicomTransferSyntax syntax);
// Short stable name for test and benchmark labels, e.g. "jpeg2000_lossless".
std::string_view TransferSyntaxLabel(DicomTransferSyntax syntax);
bool IsLossless(DicomTransferSyntax syntax);
// The deepest pixels the syntax can carry: 8 for JPEG baseline, 12 for JPEG extended, else 16.
int MaxBitsStored(DicomTransferSyntax syntax);

// A DICOM LUT (LUT Descriptor + LUT Data): input first_mapped maps to data[0].
struct DicomLut {
  int first_mapped = 0;
  int bits_per_entry = 16;
  std::vector<std::uint16_t> data;
};

struct DicomWindow {
  double center = 0.0;
  double width = 0.0;
  std::string function;  // VOI LUT Function: "" (absent), "LINEAR", "LINEAR_EXACT", "SIGMOID"
};

struct DicomWriteOptions {
  DicomTransferSyntax transfer_syntax = DicomTransferSyntax::kExplicitVrLittleEndian;
  int bits_stored = 0;          // 0: 8 for CV_8UC1, 16 for CV_16UC1
  bool monochrome1 = false;     // Photometric Interpretation label only (see above)
  bool for_processing = false;  // SOP class and Presentation Intent Type "FOR PROCESSING"
  std::string pixel_intensity_relationship;  // (0028,1040) "LIN"/"LOG" when not empty
  double pixel_spacing_mm = 0.0;             // (0028,0030), written when > 0
  double imager_pixel_spacing_mm = 0.0;      // (0018,1164), written when > 0
  double magnification_factor = 0.0;         // (0018,1114), written when > 0
  std::optional<double> rescale_slope;       // (0028,1053); the intercept defaults to 0
  std::optional<double> rescale_intercept;
  std::optional<DicomLut> modality_lut;  // Modality LUT Sequence (0028,3000)
  std::optional<DicomWindow> window;     // (0028,1050/1051/1056)
  std::optional<DicomLut> voi_lut;       // VOI LUT Sequence (0028,3010)
  std::string laterality;                // Image Laterality (0020,0062) when not empty
  std::string series_laterality;         // Laterality (0020,0060) when not empty
  std::string view;                      // View Position (0018,5101) when not empty
  int number_of_frames = 1;              // > 1 repeats the image: a multi-frame object
  bool with_meta_header = true;          // false: bare dataset, no preamble (uncompressed syntaxes)
  // Identity written into the file (for privacy tests); fake values by default.
  std::string patient_name = "Doe^Jane";
  std::string patient_id = "MAMMOCAD-TEST-0001";
  std::string study_date = "20240101";
  int jpeg_quality = 90;
  int jpegls_max_error = 2;
  double jpeg2000_ratio = 20.0;
  std::size_t jpeg2000_fragment_bytes = 0;  // > 0: split each frame into fragments this long
};

// Writes `pixels` (CV_8UC1 or CV_16UC1, values < 2^bits_stored) as DICOM bytes.
// kBadParameter for impossible combinations (e.g. 16-bit JPEG baseline).
Status WriteDicom(const cv::Mat& pixels, const DicomWriteOptions& options, std::string* bytes);

// DICOM objects that are not images, to test their refusal.
enum class DicomNonImage {
  kStructuredReport,   // Basic Text SR, no Pixel Data
  kPresentationState,  // Grayscale Softcopy Presentation State, no Pixel Data
};
Status WriteDicomNonImage(DicomNonImage kind, std::string* bytes);

// The JPEG 2000 codestream WriteDicom puts into a lossless (or, with `compression_ratio`,
// lossy) JPEG 2000 file, alone: the benchmark hands it to opj_decompress for comparison.
Status EncodeJpeg2000Codestream(const cv::Mat& pixels, int bits_stored, bool lossless,
                                double compression_ratio, std::string* codestream);

// A DICOMDIR whose IMAGE records reference `file_ids` (PS3.10 form: components joined by a
// backslash, e.g. "IMAGES\\IM0001" in C++), after one patient, study and series record. The
// offsets between records are not written: readers that follow the sequence need none.
Status WriteDicomdir(const std::vector<std::string>& file_ids, std::string* bytes);

}  // namespace mammocad

#endif  // MAMMOCAD_DICOM_WRITER_H_
