#pragma once
// RFC 4180 CSV and the dataset's metadata.csv (filename, original_path,
// keywords). UTF-8 passes through untouched. No LibTorch.

#include "util/Result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ms::data {

using CsvRow = std::vector<std::string>;

// One field, quoted when it holds a comma, a quote, CR or LF (quotes doubled).
std::string csvField(std::string_view field);
// Rows joined with CRLF line ends (RFC 4180), every row ended by CRLF.
std::string writeCsv(const std::vector<CsvRow> &rows);
// Parses CSV text: quoted fields with doubled quotes and embedded newlines,
// CRLF or LF line ends, a leading UTF-8 BOM ignored, a final line end optional.
// Fails on an unterminated quote or a quote in the middle of an unquoted field,
// naming the line.
Result<std::vector<CsvRow>> parseCsv(std::string_view text);

// One row of metadata.csv.
struct MetadataRow {
    std::string filename;                 // the file's name inside the dataset folder
    std::string originalPath;             // where it was copied from
    std::vector<std::string> keywords;    // stored joined by single spaces in one field
};

// Reads metadata.csv; the header must name the columns filename, original_path
// and keywords (any order; other columns are ignored). Errors name the file.
Result<std::vector<MetadataRow>> readMetadata(const std::string &path);
// The same for text in memory; `path` names it in errors.
Result<std::vector<MetadataRow>> parseMetadata(std::string_view text, const std::string &path);
// The largest metadata.csv read (~400k rows of long paths). Parsed rows take up
// to ~32 x the text (every field a std::string; measured on the fuzz corpus:
// 25 x for a file of commas), so one file costs at most ~2 GB.
inline constexpr std::uint64_t kMaxCsvBytes = std::uint64_t(64) << 20;
inline constexpr std::uint64_t kCsvAllocFactor = 32;
// Writes metadata.csv (header + rows) atomically (temp name + rename).
Status writeMetadata(const std::string &path, const std::vector<MetadataRow> &rows);

// "a b c" <-> {"a","b","c"} (runs of spaces collapse; empty string = no keywords).
std::string joinKeywords(const std::vector<std::string> &keywords);
std::vector<std::string> splitKeywords(std::string_view joined);

} // namespace ms::data
