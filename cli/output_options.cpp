#include "cli/output_options.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <numeric>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "runtime/engine/driver.h"
#include "runtime/io/csv_parser.h"
#include "runtime/io/input_stream.h"
#include "runtime/io/result_writer.h"
#include "support/time.h"

namespace scorec::cli {
namespace {

// The table with only these rows, in this order.
void select_rows(runtime::ResultTable& t, const std::vector<size_t>& rows) {
  auto pick = [&](auto& v) {
    if (v.empty()) return;
    std::remove_reference_t<decltype(v)> out;
    out.reserve(rows.size());
    for (size_t r : rows) out.push_back(std::move(v[r]));
    v = std::move(out);
  };
  pick(t.user_ids);
  for (auto& c : t.columns) {
    pick(c.numbers);
    pick(c.texts);
    pick(c.valid);
  }
}

std::string column_names(const runtime::ResultTable& t) {
  std::string names = "user_id";
  for (const auto& c : t.columns) names += ", " + c.name;
  return names;
}

// The cells of a table by user id and column name, as the writers show them.
using Rows = std::unordered_map<std::string, std::vector<std::optional<std::string>>>;

// A previous CSV output: its rows by user id, the cells in the order of `names`.
Expected<Rows> read_previous_csv(const std::string& path, const std::vector<std::string>& names) {
  auto in = runtime::InputStream::open(path);
  if (!in) return in.error();
  runtime::ChunkBuffer buf(std::move(*in));
  uint64_t blank = 0;
  runtime::CsvSource src(buf, {}, blank);
  runtime::CsvRecord rec;
  auto got = src.next(rec);
  if (!got) return got.error();
  if (!*got || !rec.bad.empty() || rec.fields.empty() || rec.fields[0] != "user_id")
    return Error{"the previous output is not a scorec CSV output (its first column is not user_id)", path};
  std::vector<int> at;
  for (const auto& name : names) {
    auto it = std::find(rec.fields.begin(), rec.fields.end(), name);
    if (it == rec.fields.end())
      return Error{fmt::format("the previous output has no column '{}': it was written by other rules or options", name),
                   path};
    at.push_back(static_cast<int>(it - rec.fields.begin()));
  }
  const size_t width = rec.fields.size();
  Rows rows;
  while (true) {
    got = src.next(rec);
    if (!got) return got.error();
    if (!*got) break;
    if (!rec.bad.empty() || rec.fields.size() != width)
      return Error{fmt::format("line {} of the previous output is malformed{}", rec.line, rec.bad.empty() ? "" : ": " + rec.bad),
                   path};
    auto& cells = rows[std::string(rec.fields[0])];
    for (int i : at) {
      std::string_view f = rec.fields[static_cast<size_t>(i)];
      cells.push_back(f.empty() ? std::nullopt : std::optional<std::string>(std::string(f)));
    }
  }
  return rows;
}

bool is_state_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, sizeof magic) && std::memcmp(magic, "SCORECST", sizeof magic) == 0;
}

}  // namespace

Status sort_table(runtime::ResultTable& t, const std::string& spec) {
  std::string name = spec;
  bool desc = false;
  if (auto colon = spec.rfind(':'); colon != std::string::npos) {
    std::string order = spec.substr(colon + 1);
    if (order != "asc" && order != "desc")
      return Error{fmt::format("--sort '{}': the order after ':' is asc or desc", spec)};
    desc = order == "desc";
    name = spec.substr(0, colon);
  }
  std::vector<size_t> rows(t.rows());
  std::iota(rows.begin(), rows.end(), size_t{0});
  if (name == "user_id") {
    std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
      return desc ? t.user_ids[b] < t.user_ids[a] : t.user_ids[a] < t.user_ids[b];
    });
    select_rows(t, rows);
    return Ok{};
  }
  auto col = std::find_if(t.columns.begin(), t.columns.end(), [&](const auto& c) { return c.name == name; });
  if (col == t.columns.end())
    return Error{fmt::format("--sort: there is no column '{}' (the columns: {})", name, column_names(t))};
  const runtime::ResultColumn& c = *col;
  auto valid = [&](size_t r) { return r >= c.valid.size() || c.valid[r] != 0; };
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
    if (valid(a) != valid(b)) return valid(a);  // nulls last
    if (!valid(a)) return false;
    if (c.kind == runtime::ColumnKind::Text) return desc ? c.texts[b] < c.texts[a] : c.texts[a] < c.texts[b];
    double x = c.numbers[a], y = c.numbers[b];
    if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
    return desc ? y < x : x < y;
  });
  select_rows(t, rows);
  return Ok{};
}

void add_as_of_column(runtime::ResultTable& t, double as_of) {
  runtime::ResultColumn c;
  c.name = "as_of";
  c.kind = runtime::ColumnKind::Text;
  c.texts.assign(t.rows(), format_iso8601(as_of));
  c.valid.assign(t.rows(), 1);
  t.columns.push_back(std::move(c));
}

Expected<size_t> keep_changed_rows(runtime::ResultTable& t, const std::string& previous, const ir::Program& program) {
  std::vector<const runtime::ResultColumn*> compared;
  std::vector<std::string> names;
  for (const auto& c : t.columns)
    if (c.name != "as_of") {
      compared.push_back(&c);
      names.push_back(c.name);
    }
  Rows before;
  if (is_state_file(previous)) {
    // The state's own result: what a run that saved it wrote (without --keep columns).
    auto engine = runtime::make_interpreter();
    auto old = runtime::combine_states(program, {previous}, *engine, std::nullopt, "");
    if (!old) return old.error();
    for (size_t r = 0; r < old->table.rows(); ++r) {
      auto& cells = before[old->table.user_ids[r]];
      for (const auto& name : names) {
        auto c = std::find_if(old->table.columns.begin(), old->table.columns.end(),
                              [&](const auto& col) { return col.name == name; });
        if (c == old->table.columns.end())
          return Error{fmt::format("the previous state gives no column '{}' (a --keep column can only be compared "
                                   "with a previous output file)",
                                   name),
                       previous};
        cells.push_back(runtime::cell_text(*c, r));
      }
    }
  } else {
    auto read = read_previous_csv(previous, names);
    if (!read) return read.error();
    before = std::move(*read);
  }
  std::vector<size_t> keep;
  for (size_t r = 0; r < t.rows(); ++r) {
    auto it = before.find(t.user_ids[r]);
    bool changed = it == before.end();
    for (size_t i = 0; !changed && i < compared.size(); ++i) changed = runtime::cell_text(*compared[i], r) != it->second[i];
    if (changed) keep.push_back(r);
  }
  size_t left_out = t.rows() - keep.size();
  select_rows(t, keep);
  return left_out;
}

}  // namespace scorec::cli
