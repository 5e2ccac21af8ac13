// `mammocad batch`'s CSV: one row per file, RFC 4180 quoting, the same facts as its JSON Lines
// (service/replies.h BatchResultLine) flattened: findings as their count, the top score and
// the legacy [[score,x,y,w,h],...] text. Thread-safety: plain functions.
#ifndef MAMMOCAD_BATCH_CSV_ROWS_H_
#define MAMMOCAD_BATCH_CSV_ROWS_H_

#include <string>
#include <string_view>

#include "service/analysis.h"

namespace mammocad {

// The header line, with its '\n'.
std::string CsvHeader();

// A file's row, with its '\n'.
std::string CsvResultRow(const std::string& path, const ImageAnalysis& analysis);
std::string CsvErrorRow(const std::string& path, const Status& status);

// `field` as one CSV field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF,
// or starts with a character a spreadsheet would run as a formula (= + - @).
std::string CsvField(std::string_view field);

}  // namespace mammocad

#endif  // MAMMOCAD_BATCH_CSV_ROWS_H_
