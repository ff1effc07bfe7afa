// Writers for a run's output. CSV (RFC 4180 quoting, header row, `user_id` first) and
// NDJSON (one object per user, keys in column order). Numbers go through
// format_number so that two engines agreeing to 1e-9 write identical bytes.
#pragma once

#include <ostream>

#include "runtime/result_table.h"

namespace scorec::runtime {

void write_csv(const ResultTable& table, std::ostream& out);
void write_ndjson(const ResultTable& table, std::ostream& out);

}  // namespace scorec::runtime
