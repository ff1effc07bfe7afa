// `scorec run`'s output options (docs/tools.md, "scorec run"): the table as an analyst
// or a CRM sync wants it, after scoring: sorted by any column, with the as-of time,
// and only the users whose row changed since a previous output or state.
#pragma once

#include <optional>
#include <string>

#include "ir/program.h"
#include "runtime/result_table.h"
#include "support/expected.h"

namespace scorec::cli {

// `--sort COLUMN[:asc|:desc]`: rows ordered by that column (numbers as numbers, text
// as bytes), nulls last either way, ties kept in first-appearance order.
Status sort_table(runtime::ResultTable& table, const std::string& spec);

// `--with-as-of`: a last column `as_of`, the as-of time as ISO-8601.
void add_as_of_column(runtime::ResultTable& table, double as_of);

// `--only-changed PREVIOUS`: keeps the users whose row differs from theirs in
// PREVIOUS (a CSV output of the same rules and options, or a state file, finalized),
// and users PREVIOUS does not have. The `as_of` column is not compared. Returns how
// many rows were left out.
Expected<size_t> keep_changed_rows(runtime::ResultTable& table, const std::string& previous,
                                   const ir::Program& program);

}  // namespace scorec::cli
