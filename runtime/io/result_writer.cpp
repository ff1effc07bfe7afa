// Result writers. Both write the same cells: text as is, numbers through format_number
// (so engines that agree to 1e-9 write the same bytes), bools as true/false, null as an
// empty CSV field or JSON null. Rows are buffered into one string per row to keep
// stream calls off the per-cell path.
#include "runtime/io/result_writer.h"

#include <cmath>
#include <string>
#include <string_view>

#include "support/json.h"
#include "support/text.h"

namespace scorec::runtime {
namespace {

bool valid_at(const ResultColumn& c, size_t row) { return row >= c.valid.size() || c.valid[row] != 0; }

// RFC 4180: quote a field holding the delimiter, a quote, a line break, or edge spaces
// (which many readers would trim), doubling inner quotes.
void csv_field(std::string& out, std::string_view s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// csv_field, with a text cell that a spreadsheet would take for a formula defused.
void csv_text(std::string& out, std::string_view s, const CsvWriteOptions& o) {
  if (!o.guard_formulas || s.empty() || std::string_view("=+-@\t\r").find(s.front()) == std::string_view::npos)
    return csv_field(out, s);
  bool negative_number = s.front() == '-' && trim(s).size() == s.size() && parse_number(s);
  if (negative_number) return csv_field(out, s);
  std::string guarded = "'";
  guarded += s;
  csv_field(out, guarded);
}

double number_at(const ResultColumn& c, size_t row) { return row < c.numbers.size() ? c.numbers[row] : 0.0; }
std::string_view text_at(const ResultColumn& c, size_t row) {
  return row < c.texts.size() ? std::string_view(c.texts[row]) : std::string_view();
}

}  // namespace

void write_csv(const ResultTable& table, std::ostream& out, const CsvWriteOptions& options) {
  std::string line = "user_id";
  for (const auto& c : table.columns) {
    line += ',';
    csv_field(line, c.name);
  }
  line += '\n';
  out << line;
  for (size_t r = 0; r < table.rows(); ++r) {
    line.clear();
    csv_text(line, table.user_ids[r], options);
    for (const auto& c : table.columns) {
      line += ',';
      if (!valid_at(c, r)) continue;
      switch (c.kind) {
        case ColumnKind::Text: csv_text(line, text_at(c, r), options); break;
        case ColumnKind::Number: line += format_number(number_at(c, r)); break;
        case ColumnKind::Bool: line += number_at(c, r) != 0 ? "true" : "false"; break;
      }
    }
    line += '\n';
    out << line;
  }
}

std::optional<std::string> cell_text(const ResultColumn& c, size_t row) {
  if (!valid_at(c, row)) return std::nullopt;
  switch (c.kind) {
    case ColumnKind::Text: return std::string(text_at(c, row));
    case ColumnKind::Number: return format_number(number_at(c, row));
    case ColumnKind::Bool: return std::string(number_at(c, row) != 0 ? "true" : "false");
  }
  return std::nullopt;
}

void write_ndjson(const ResultTable& table, std::ostream& out) {
  std::string line;
  for (size_t r = 0; r < table.rows(); ++r) {
    line = "{\"user_id\":";
    append_json_string(line, table.user_ids[r]);
    for (const auto& c : table.columns) {
      line += ',';
      append_json_string(line, c.name);
      line += ':';
      if (!valid_at(c, r)) {
        line += "null";
        continue;
      }
      switch (c.kind) {
        case ColumnKind::Text: append_json_string(line, text_at(c, r)); break;
        case ColumnKind::Number: {
          double v = number_at(c, r);
          // JSON has no NaN or infinity: such a number is written as null.
          line += std::isfinite(v) ? format_number(v) : std::string("null");
          break;
        }
        case ColumnKind::Bool: line += number_at(c, r) != 0 ? "true" : "false"; break;
      }
    }
    line += "}\n";
    out << line;
  }
}

}  // namespace scorec::runtime
