#include "dicom/dataset_scan.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

#include "dicom/transfer_syntax.h"

namespace mammocad::dicom_internal {
namespace {

constexpr std::size_t kPreambleSize = 128;
constexpr std::uint32_t kUndefinedLength = 0xFFFFFFFF;
constexpr std::uint16_t kItemGroup = 0xFFFE;
constexpr std::uint16_t kItem = 0xE000, kItemEnd = 0xE00D, kSequenceEnd = 0xE0DD;

Status Corrupt(const std::string& what) {
  return Status(ErrorCode::kCorruptImage, "DICOM: " + what);
}

std::uint16_t U16(std::string_view bytes, std::size_t at) {
  return std::uint16_t(static_cast<unsigned char>(bytes[at]) |
                       (static_cast<unsigned char>(bytes[at + 1]) << 8));
}

std::uint32_t U32(std::string_view bytes, std::size_t at) {
  return std::uint32_t(U16(bytes, at)) | (std::uint32_t(U16(bytes, at + 2)) << 16);
}

// VRs whose explicit encoding has 2 reserved bytes and a 4-byte length (PS3.5 7.1.2).
bool HasLongLength(std::string_view vr) {
  static constexpr std::string_view kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                               "SV", "UC", "UN", "UR", "UT", "UV"};
  return std::find(std::begin(kLong), std::end(kLong), vr) != std::end(kLong);
}

bool HasShortLength(std::string_view vr) {
  static constexpr std::string_view kShort[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT",
                                                "FD", "FL", "IS", "LO", "LT", "PN", "SH",
                                                "SL", "SS", "ST", "TM", "UI", "UL", "US"};
  return std::find(std::begin(kShort), std::end(kShort), vr) != std::end(kShort);
}

bool LooksLikeVr(std::string_view bytes, std::size_t at) {
  return at + 2 <= bytes.size() && std::isupper(static_cast<unsigned char>(bytes[at])) &&
         std::isupper(static_cast<unsigned char>(bytes[at + 1]));
}

// One open level of the element stream: the dataset itself, an item, a sequence or the
// fragments of encapsulated pixel data.
struct Level {
  enum Kind { kDataset, kSequence, kFragments } kind;
  bool explicit_vr;
  bool undefined_length;  // ends with a delimitation item
  std::size_t end;        // its own end, or for undefined lengths the enclosing end
};

std::string Plural(std::int64_t count, const char* what) {
  return std::to_string(count) + " " + what;
}

}  // namespace

Status FindDicomLayout(std::string_view bytes, DicomLayout* layout) {
  *layout = DicomLayout();
  std::size_t pos = 0;
  if (bytes.size() >= kPreambleSize + 4 && bytes.substr(kPreambleSize, 4) == "DICM") {
    pos = kPreambleSize + 4;
    layout->meta_end = pos;
  }
  // Group 0002, always explicit VR little endian (PS3.10 7.1). An element without a valid VR
  // is refused: DCMTK reads an unknown VR with a 4-byte length and allocates that length
  // before it finds the bytes missing (4 GB, found by fuzz_format_peeks).
  while (pos + 8 <= bytes.size() && U16(bytes, pos) == 0x0002) {
    const std::uint16_t element = U16(bytes, pos + 2);
    const std::string_view vr = bytes.substr(pos + 4, 2);
    std::size_t header = 8;
    std::uint32_t length = U16(bytes, pos + 6);
    if (HasLongLength(vr)) {
      if (pos + 12 > bytes.size()) return Corrupt("the meta header is truncated");
      header = 12;
      length = U32(bytes, pos + 8);
    } else if (!HasShortLength(vr)) {
      return Corrupt("a meta header element has no valid value representation (VR)");
    }
    if (length == kUndefinedLength || length > bytes.size() - pos - header) {
      return Corrupt("the meta header is truncated or damaged");
    }
    if (element == 0x0010) {
      std::string uid(bytes.substr(pos + header, length));
      while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
      layout->transfer_syntax_uid = uid;
    }
    pos += header + length;
    layout->meta_end = pos;
  }
  if (!layout->transfer_syntax_uid.empty()) {
    layout->explicit_vr = layout->transfer_syntax_uid != kImplicitVrLittleEndianUid;
  } else {
    // No stated syntax: explicit when the first element carries a VR (as DCMTK guesses).
    layout->explicit_vr = LooksLikeVr(bytes, layout->meta_end + 4);
  }
  return Status::Ok();
}

Status ScanDicomDataset(std::string_view dataset, bool explicit_vr, const DecodeLimits& limits,
                        PixelDataLocation* pixel_data) {
  PixelDataLocation unused;
  PixelDataLocation& located = pixel_data != nullptr ? *pixel_data : unused;
  located = PixelDataLocation();
  std::size_t pixel_fragments_level = 0;  // index in `open` of the Pixel Data's fragments
  int pixel_items = 0;
  std::vector<Level> open = {{Level::kDataset, explicit_vr, false, dataset.size()}};
  int depth = 0;  // open sequences
  std::int64_t elements = 0, items = 0;
  std::size_t pos = 0;
  const auto truncated = [] { return Corrupt("the file is truncated or damaged"); };
  const auto open_sequence = [&](Level level) -> Status {
    if (++depth > limits.max_dicom_sequence_depth) {
      return Corrupt("sequences nested deeper than " +
                     std::to_string(limits.max_dicom_sequence_depth) + " levels");
    }
    open.push_back(level);
    return Status::Ok();
  };
  const auto close = [&] {
    if (open.back().kind != Level::kDataset) --depth;
    open.pop_back();
  };
  const auto count_item = [&]() -> Status {
    if (++items > limits.max_dicom_items) {
      return Corrupt("more than " + Plural(limits.max_dicom_items, "sequence items or fragments"));
    }
    return Status::Ok();
  };

  for (;;) {
    // Levels of defined length end where their bytes do; a level of undefined length that
    // reaches the end of its enclosing level is closed there too (DCMTK stops there as well).
    while (open.size() > 1 && pos == open.back().end) close();
    const Level level = open.back();
    if (pos == dataset.size()) return Status::Ok();  // open undefined levels: DCMTK judges
    if (level.end - pos < 8) return truncated();
    const std::uint16_t group = U16(dataset, pos), element = U16(dataset, pos + 2);

    if (group == kItemGroup) {
      const std::uint32_t length = U32(dataset, pos + 4);
      pos += 8;
      if (element == kItem && level.kind == Level::kFragments) {
        if (Status s = count_item(); !s.ok()) return s;
        if (length == kUndefinedLength || length > level.end - pos) return truncated();
        if (pixel_fragments_level != 0 && open.size() - 1 == pixel_fragments_level &&
            pixel_items++ > 0) {  // item 0 is the Basic Offset Table
          located.fragments.emplace_back(pos, length);
        }
        pos += length;
      } else if (element == kItem && level.kind == Level::kSequence) {
        if (Status s = count_item(); !s.ok()) return s;
        if (length == kUndefinedLength) {
          open.push_back({Level::kDataset, level.explicit_vr, true, level.end});
        } else {
          if (length > level.end - pos) return truncated();
          open.push_back({Level::kDataset, level.explicit_vr, false, pos + length});
        }
      } else if (element == kItemEnd && level.kind == Level::kDataset && open.size() > 1 &&
                 level.undefined_length) {
        open.pop_back();
      } else if (element == kSequenceEnd && level.kind != Level::kDataset &&
                 level.undefined_length) {
        if (pixel_fragments_level != 0 && open.size() - 1 == pixel_fragments_level) {
          located.terminated = true;
          pixel_fragments_level = 0;
        }
        close();
      } else {
        return Corrupt("a sequence item or delimiter is out of place");
      }
      continue;
    }

    if (level.kind != Level::kDataset) {
      return Corrupt("a data element stands where a sequence item was expected");
    }
    if (++elements > limits.max_dicom_elements) {
      return Corrupt("more than " + Plural(limits.max_dicom_elements, "data elements"));
    }
    const bool pixel_data = group == 0x7FE0 && element == 0x0010;
    const bool located_here = pixel_data && open.size() == 1 && !located.found;
    std::string_view vr;
    std::size_t header = 8;
    std::uint32_t length = U32(dataset, pos + 4);
    if (level.explicit_vr) {
      vr = dataset.substr(pos + 4, 2);
      if (HasLongLength(vr)) {
        if (level.end - pos < 12) return truncated();
        header = 12;
        length = U32(dataset, pos + 8);
      } else if (HasShortLength(vr)) {
        length = U16(dataset, pos + 6);
      } else {
        // DCMTK would guess how long such an element is; the scan does not follow guesses.
        return Corrupt("an element has no valid value representation (VR)");
      }
    }
    pos += header;

    if (length == kUndefinedLength) {
      Level inner{Level::kSequence, level.explicit_vr, true, level.end};
      if (level.explicit_vr) {
        if (vr == "UN") inner.explicit_vr = false;  // CP 246: implicit VR inside
        else if (vr == "OB" || vr == "OW") inner.kind = Level::kFragments;
        else if (vr != "SQ") return Corrupt("an element of undefined length is not a sequence");
      } else if (pixel_data) {
        inner.kind = Level::kFragments;
      }
      if (inner.kind == Level::kFragments) {
        open.push_back(inner);
        if (located_here) {
          located.found = located.encapsulated = true;
          pixel_fragments_level = open.size() - 1;
        }
      } else if (Status s = open_sequence(inner); !s.ok()) {
        return s;
      }
      continue;
    }
    if (length > level.end - pos) return truncated();
    if (located_here) {
      located.found = true;
      located.offset = pos;
      located.length = length;
    }
    // Implicit VR does not say which elements are sequences (DCMTK asks its dictionary), so a
    // value that starts with an item tag is walked as one.
    const bool sequence =
        length > 0 && (level.explicit_vr
                           ? vr == "SQ"
                           : !pixel_data && length >= 8 && U16(dataset, pos) == kItemGroup &&
                                 U16(dataset, pos + 2) == kItem);
    if (sequence) {
      if (Status s = open_sequence({Level::kSequence, level.explicit_vr, false, pos + length});
          !s.ok()) {
        return s;
      }
      continue;
    }
    pos += length;
  }
}

Status InflateDicomDataset(std::string_view deflated, std::size_t max_bytes,
                           std::string* inflated) {
  inflated->clear();
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {  // raw deflate, as PS3.5 A.5 says
    return Status(ErrorCode::kInternal, "DICOM: zlib could not be initialised");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  stream.avail_in = static_cast<uInt>(deflated.size());
  constexpr std::size_t kChunk = 1u << 20;
  int result = Z_OK;
  while (result == Z_OK) {
    if (inflated->size() == max_bytes) {
      // Full: one more byte would pass the limit; find out whether there is one.
      char probe;
      stream.next_out = reinterpret_cast<Bytef*>(&probe);
      stream.avail_out = 1;
      result = inflate(&stream, Z_NO_FLUSH);
      if (stream.avail_out == 0) {
        inflateEnd(&stream);
        inflated->clear();
        inflated->shrink_to_fit();
        return Status(ErrorCode::kPayloadTooLarge,
                      "DICOM: the deflated data set inflates to more than " +
                          std::to_string(max_bytes) + " bytes, the limit for this pixel limit");
      }
      break;
    }
    const std::size_t had = inflated->size();
    const std::size_t room = std::min(kChunk, max_bytes - had);
    inflated->resize(had + room);
    stream.next_out = reinterpret_cast<Bytef*>(inflated->data() + had);
    stream.avail_out = static_cast<uInt>(room);
    result = inflate(&stream, Z_NO_FLUSH);
    inflated->resize(had + room - stream.avail_out);
    if (result == Z_BUF_ERROR && stream.avail_in == 0) break;  // input ended early
    if (result == Z_BUF_ERROR) result = Z_OK;                  // output was full
  }
  inflateEnd(&stream);
  if (result != Z_STREAM_END) {
    inflated->clear();
    return Corrupt("the deflated data set is truncated or damaged");
  }
  return Status::Ok();
}

Status CheckJpegMarkersBeforeFrame(std::string_view fragment) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(fragment[at]); };
  // DCMTK scans from the first byte, SOI or not, while it sees markers.
  std::size_t pos = 0;
  while (pos + 4 <= fragment.size() && byte(pos) == 0xFF) {
    const unsigned char marker = byte(pos + 1);
    if (marker == 0xD8) {  // SOI
      pos += 2;
      continue;
    }
    const bool frame_header = (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
                               marker != 0xC8 && marker != 0xCC) ||
                              marker == 0xF7;  // JPEG-LS SOF55
    if (frame_header) return Status::Ok();
    // Segments with a length: APPn, COM, DQT, DHT, DAC, DRI, EXP, JPEG-LS LSE.
    const bool segment = (marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE || marker == 0xDB ||
                         marker == 0xC4 || marker == 0xCC || marker == 0xDD || marker == 0xDF ||
                         marker == 0xF8;
    if (!segment) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      return Corrupt(std::string("the JPEG data have an unexpected marker (0xFF") +
                     kHex[marker >> 4] + kHex[marker & 15] + ") before their frame header");
    }
    pos += 2 + ((std::size_t(byte(pos + 2)) << 8) | byte(pos + 3));
  }
  return Status::Ok();  // no frame header found: the decoder reports it
}

}  // namespace mammocad::dicom_internal
