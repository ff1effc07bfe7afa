// Writers for a run's output. CSV (RFC 4180 quoting, header row, `user_id` first) and
// NDJSON (one object per user, keys in column order). Numbers go through
// format_number so that two engines agreeing to 1e-9 write identical bytes.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "runtime/result_table.h"

namespace scorec::runtime {

struct CsvWriteOptions {
  // OWASP's guard against formula injection: a text cell (user id, tier, letter) that
  // starts with = + - @ TAB or CR gets a leading ' so that spreadsheets show it as
  // text instead of running it. A text cell that is a negative number ("-3.5") is no
  // formula and is left alone, as are number columns. Off by default: it changes ids.
  bool guard_formulas = false;
};

void write_csv(const ResultTable& table, std::ostream& out, const CsvWriteOptions& options = {});

// One cell as both writers show it, unquoted: text as is, numbers through
// format_number, bools as true/false; nullopt for null.
std::optional<std::string> cell_text(const ResultColumn& column, size_t row);
void write_ndjson(const ResultTable& table, std::ostream& out);

}  // namespace scorec::runtime
