// A bounded look at a DICOM file before DCMTK parses it. DCMTK's parser recurses once per
// nested sequence (thousands of nested sequences of undefined length overflow a thread's
// stack), allocates an object per element and inflates a deflated dataset without a cap, so
// hostile files are refused here first: a flat scan of the element stream (no recursion, an
// explicit stack of open sequences and items) that counts depth, elements and items against
// DecodeLimits, and for the deflated syntax an inflation with a cap.
//
// The scan is strict where DCMTK could read the stream differently (an unknown explicit VR, a
// delimiter in the wrong place): such files are refused as damaged rather than handed to a
// parser that might walk a structure the scan never saw. DCMTK then parses exactly the bytes
// the scan walked, with the encoding the scan used (dicom_reader.cc).
// Internal to src/dicom/. Thread-safety: plain functions, no shared state.
#ifndef MAMMOCAD_DICOM_DATASET_SCAN_H_
#define MAMMOCAD_DICOM_DATASET_SCAN_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mammocad/image.h"
#include "mammocad/status.h"

namespace mammocad::dicom_internal {

// Where the parts of a DICOM file are. The dataset is always little endian: big endian
// files are refused by their transfer syntax before the dataset is looked at.
struct DicomLayout {
  std::size_t meta_end = 0;         // preamble + "DICM" + group 0002 end here (0: no meta)
  std::string transfer_syntax_uid;  // (0002,0010) without padding; empty when absent
  bool explicit_vr = true;          // how the dataset is encoded
};

// Finds the meta header and the dataset's encoding: the transfer syntax of the meta header,
// or for files without one, explicit VR when the first element has a VR. kCorruptImage when
// the meta header is truncated or not in explicit VR with valid VRs.
Status FindDicomLayout(std::string_view bytes, DicomLayout* layout);

// Where the dataset's own Pixel Data (7FE0,0010) lies, as offsets into the scanned dataset, so
// that the reader takes the pixels from the file's bytes without DCMTK copying them.
struct PixelDataLocation {
  bool found = false;
  bool encapsulated = false;  // undefined length: fragments
  std::size_t offset = 0;     // native: the value
  std::size_t length = 0;
  // Encapsulated: each fragment after the Basic Offset Table (item 1), as (offset, length).
  std::vector<std::pair<std::size_t, std::size_t>> fragments;
  bool terminated = false;  // encapsulated: the sequence delimitation item was met
};

// Walks every element of `dataset` (little endian, explicit or implicit VR, defined and
// undefined lengths, nested sequences, encapsulated pixel data) without recursion and
// refuses, before anything is allocated for them: sequences nested deeper than
// limits.max_dicom_sequence_depth, more than limits.max_dicom_elements elements or
// limits.max_dicom_items items (kCorruptImage, the message names the limit), and a stream
// that is truncated or cannot be followed (kCorruptImage). `pixel_data` (may be null) gets the
// location of the first Pixel Data element of the dataset itself (not one inside an item).
Status ScanDicomDataset(std::string_view dataset, bool explicit_vr, const DecodeLimits& limits,
                        PixelDataLocation* pixel_data = nullptr);

// Inflates a Deflated Explicit VR Little Endian dataset (raw deflate, RFC 1951) into
// `inflated`, stopping with kPayloadTooLarge as soon as it would pass `max_bytes`;
// kCorruptImage for data that are not valid deflate.
Status InflateDicomDataset(std::string_view deflated, std::size_t max_bytes,
                           std::string* inflated);

// For the first fragment of encapsulated pixel data: kCorruptImage when, among the markers it
// starts with, one other than SOI and the usual table, application and comment segments
// stands before the frame header (data that start otherwise, such as RLE, pass). DCMTK 3.6.7's JPEG decoder scans those markers for the bit depth before
// decoding and never returns from a TEM marker (0xFF01), a hang found by the fuzzers.
Status CheckJpegMarkersBeforeFrame(std::string_view fragment);

}  // namespace mammocad::dicom_internal

#endif  // MAMMOCAD_DICOM_DATASET_SCAN_H_
