#include "data/Csv.h"

#include "util/Fs.h"

#include <algorithm>

namespace ms::data {

std::string csvField(std::string_view f) {
    if (f.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(f);
    std::string out = "\"";
    for (char c : f) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string writeCsv(const std::vector<CsvRow> &rows) {
    std::string out;
    for (const auto &row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            if (i) out += ',';
            out += csvField(row[i]);
        }
        out += "\r\n";
    }
    return out;
}

Result<std::vector<CsvRow>> parseCsv(std::string_view t) {
    if (t.size() >= 3 && t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
    std::vector<CsvRow> rows;
    CsvRow row;
    std::string field;
    size_t i = 0, line = 1;
    bool rowStarted = false, atFieldStart = true;
    auto endField = [&] { row.push_back(std::move(field)); field.clear(); atFieldStart = true; };
    auto endRow = [&] { endField(); rows.push_back(std::move(row)); row.clear(); rowStarted = false; };
    while (i < t.size()) {
        const char c = t[i];
        if (c == '"' && atFieldStart) {
            // Quoted field.
            const size_t startLine = line;
            ++i;
            rowStarted = true;
            atFieldStart = false;
            bool closed = false;
            while (i < t.size()) {
                if (t[i] == '"') {
                    if (i + 1 < t.size() && t[i + 1] == '"') { field += '"'; i += 2; continue; }
                    ++i;
                    closed = true;
                    break;
                }
                if (t[i] == '\n') ++line;
                field += t[i++];
            }
            if (!closed) return fail("CSV line " + std::to_string(startLine) + ": unterminated quoted field");
            if (i < t.size() && t[i] != ',' && t[i] != '\r' && t[i] != '\n')
                return fail("CSV line " + std::to_string(line) + ": text after a closing quote");
            continue;
        }
        if (c == '"') return fail("CSV line " + std::to_string(line) + ": quote inside an unquoted field");
        rowStarted = true;
        if (c == ',') { endField(); ++i; continue; }
        if (c == '\r' || c == '\n') {
            endRow();
            if (c == '\r' && i + 1 < t.size() && t[i + 1] == '\n') ++i;
            ++i;
            ++line;
            continue;
        }
        field += c;
        atFieldStart = false;
        ++i;
    }
    if (rowStarted || !field.empty() || !row.empty()) endRow();
    return rows;
}

std::string joinKeywords(const std::vector<std::string> &k) {
    std::string out;
    for (const auto &w : k) {
        if (w.empty()) continue;
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

std::vector<std::string> splitKeywords(std::string_view s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i < s.size() && s[i] != ' ') continue;
        if (i > start) out.emplace_back(s.substr(start, i - start));
        start = i + 1;
    }
    return out;
}

Result<std::vector<MetadataRow>> readMetadata(const std::string &path) {
    auto text = fs::readFile(fs::u8path(path), kMaxCsvBytes);
    if (!text) return Error{text.error()};
    return parseMetadata(*text, path);
}

Result<std::vector<MetadataRow>> parseMetadata(std::string_view text, const std::string &path) {
    auto rows = parseCsv(text);
    if (!rows) return fail(path + ": " + rows.error());
    if (rows->empty()) return fail(path + ": empty file (expected a header filename,original_path,keywords)");
    const auto &head = rows->front();
    int cFile = -1, cOrig = -1, cKw = -1;
    for (int i = 0; i < int(head.size()); ++i) {
        if (head[i] == "filename") cFile = i;
        else if (head[i] == "original_path") cOrig = i;
        else if (head[i] == "keywords") cKw = i;
    }
    if (cFile < 0 || cOrig < 0 || cKw < 0)
        return fail(path + ": header must name the columns filename, original_path and keywords");
    std::vector<MetadataRow> out;
    for (size_t r = 1; r < rows->size(); ++r) {
        const auto &row = (*rows)[r];
        if (row.size() == 1 && row[0].empty()) continue;   // blank line
        const int need = std::max({cFile, cOrig, cKw});
        if (int(row.size()) <= need)
            return fail(path + ": row " + std::to_string(r + 1) + " has " + std::to_string(row.size()) +
                        " fields, expected at least " + std::to_string(need + 1));
        out.push_back({row[cFile], row[cOrig], splitKeywords(row[cKw])});
    }
    return out;
}

Status writeMetadata(const std::string &path, const std::vector<MetadataRow> &rows) {
    std::vector<CsvRow> csv;
    csv.reserve(rows.size() + 1);
    csv.push_back({"filename", "original_path", "keywords"});
    for (const auto &r : rows) csv.push_back({r.filename, r.originalPath, joinKeywords(r.keywords)});
    return fs::writeFileAtomic(fs::u8path(path), writeCsv(csv));
}

} // namespace ms::data
