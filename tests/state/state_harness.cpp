#include "tests/state/state_harness.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "frontend/compiler.h"
#include "frontend/diagnostics.h"
#include "frontend/source.h"
#include "jit/jit_compiler.h"
#include "jit/jit_engine.h"
#include "runtime/io/result_writer.h"
#include "support/time.h"

namespace scorec::statetest {
namespace {

// The text of a JSON string member `"key":"..."` (no escapes: the generator writes none
// in the members read here); nullopt when absent.
std::optional<std::string> string_member(const std::string& line, const std::string& key) {
  std::string pat = "\"" + key + "\":\"";
  size_t at = line.find(pat);
  if (at == std::string::npos) return std::nullopt;
  size_t start = at + pat.size();
  size_t end = line.find('"', start);
  if (end == std::string::npos) return std::nullopt;
  return line.substr(start, end - start);
}

// The event time as the readers take it: ISO-8601 text, or a number of epoch seconds
// (milliseconds above 1e11).
std::optional<double> timestamp_of(const std::string& line) {
  const std::string pat = "\"timestamp\":";
  size_t at = line.find(pat);
  if (at == std::string::npos) return std::nullopt;
  size_t start = at + pat.size();
  if (start < line.size() && line[start] == '"') {
    size_t end = line.find('"', start + 1);
    if (end == std::string::npos) return std::nullopt;
    return parse_iso8601(std::string_view(line).substr(start + 1, end - start - 1));
  }
  char* end = nullptr;
  double v = std::strtod(line.c_str() + start, &end);
  if (end == line.c_str() + start) return std::nullopt;
  return std::fabs(v) > 1e11 ? v / 1000.0 : v;
}

}  // namespace

std::vector<EventLine> classify(const std::vector<std::string>& lines, const ir::Program& program) {
  std::vector<EventLine> out;
  for (const auto& text : lines) {
    EventLine l;
    l.text = text;
    l.identify = text.find("\"type\":\"identify\"") != std::string::npos;
    l.ts = timestamp_of(text);
    auto user = string_member(text, "user_id");
    auto event = string_member(text, "event");
    bool declared = false;
    if (event)
      for (const auto& e : program.schema.events) declared |= e.name == *event;
    l.counted = !l.identify && l.ts && user && !user->empty() && declared;
    out.push_back(std::move(l));
  }
  return out;
}

std::optional<ir::Program> compile_rules(const std::string& text, std::string* error) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = frontend::compile_string(text, "state.score", sources, diags);
  if (!program || diags.has_errors()) {
    std::ostringstream os;
    diags.render(os, sources, false);
    if (error) *error = os.str();
    return std::nullopt;
  }
  return program;
}


Case without_caps_and_limits(const Case& c) {
  // The generator writes the modifiers after the weight, each as one token group; no
  // condition or weight it writes contains these words.
  static const std::regex mods(R"( cap [0-9.]+( per [0-9.]+[a-z]+)?| once\b| limit [0-9]+( per [0-9.]+[a-z]+)?)");
  Case out = c;
  for (auto& line : out.rules)
    if (line.rfind("  on ", 0) == 0) line = std::regex_replace(line, mods, "");
  return out;
}

const char* engine_name(EngineKind kind) { return kind == EngineKind::Jit ? "jit" : "interpreter"; }

std::unique_ptr<runtime::Engine> make_engine(EngineKind kind, const ir::Program& program, std::string* error) {
  if (kind == EngineKind::Interpreter) return runtime::make_interpreter();
  jit::JitOptions jo;
  jo.use_cache = false;  // every case is new; the cache would only fill the disk
  auto compiled = jit::compile(program, jo);
  if (!compiled) {
    if (error) *error = compiled.error().str();
    return nullptr;
  }
  return jit::make_jit_engine(std::move(*compiled));
}

Outcome run(const ir::Program& program, const runtime::RunOptions& options, runtime::Engine& engine) {
  Outcome r;
  auto out = runtime::run_rules(program, options, engine);
  if (!out) {
    r.error = out.error().str();
    return r;
  }
  r.ok = true;
  r.table = std::move(out->table);
  r.summary = std::move(out->summary);
  return r;
}

Outcome combine(const ir::Program& program, const std::vector<std::string>& states, runtime::Engine& engine,
                const std::optional<std::string>& state_out) {
  Outcome r;
  auto out = runtime::combine_states(program, states, engine, state_out, "state.score");
  if (!out) {
    r.error = out.error().str();
    return r;
  }
  r.ok = true;
  r.table = std::move(out->table);
  r.summary = std::move(out->summary);
  return r;
}

namespace {

std::string shown_cell(const runtime::ResultColumn& c, size_t row) {
  if (!c.valid[row]) return "null";
  switch (c.kind) {
    case runtime::ColumnKind::Text:
      return "\"" + c.texts[row] + "\"";
    case runtime::ColumnKind::Bool:
      return c.numbers[row] != 0 ? "true" : "false";
    case runtime::ColumnKind::Number:
      return num_text(c.numbers[row]);
  }
  return "?";
}

bool near(double a, double b) {
  if (a == b) return true;
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  double scale = std::max({1.0, std::fabs(a), std::fabs(b)});
  return std::fabs(a - b) <= 1e-9 * scale;
}

}  // namespace

TableDiff compare_tables(const runtime::ResultTable& want, const runtime::ResultTable& got) {
  TableDiff d;
  auto fail = [&](std::string what) {
    d.equal = d.identical = d.same_csv = false;
    if (d.diffs.size() < 12) d.diffs.push_back(std::move(what));
  };
  if (want.user_ids != got.user_ids) {
    std::string a, b;
    for (const auto& u : want.user_ids) a += u + " ";
    for (const auto& u : got.user_ids) b += u + " ";
    fail("users (in order) differ: expected [" + a + "], got [" + b + "]");
    return d;
  }
  if (want.columns.size() != got.columns.size()) {
    fail("column counts differ");
    return d;
  }
  std::ostringstream csv_want, csv_got;
  runtime::write_csv(want, csv_want);
  runtime::write_csv(got, csv_got);
  d.same_csv = csv_want.str() == csv_got.str();
  if (!d.same_csv) {
    std::istringstream a(csv_want.str()), b(csv_got.str());
    std::string la, lb;
    while (std::getline(a, la) && std::getline(b, lb))
      if (la != lb) {
        d.csv_note = "expected " + la + "\n    got      " + lb;
        break;
      }
  }
  for (size_t c = 0; c < want.columns.size(); ++c) {
    const auto& x = want.columns[c];
    const auto& y = got.columns[c];
    if (x.name != y.name || x.kind != y.kind) {
      fail("column " + std::to_string(c) + " differs: " + x.name + " vs " + y.name);
      continue;
    }
    for (size_t r = 0; r < want.rows(); ++r) {
      bool same = x.valid[r] == y.valid[r], bits = same;
      if (same && x.valid[r]) {
        if (x.kind == runtime::ColumnKind::Text) {
          same = bits = x.texts[r] == y.texts[r];
        } else {
          bits = std::bit_cast<uint64_t>(x.numbers[r]) == std::bit_cast<uint64_t>(y.numbers[r]);
          same = x.kind == runtime::ColumnKind::Bool ? (x.numbers[r] != 0) == (y.numbers[r] != 0)
                                                     : near(x.numbers[r], y.numbers[r]);
        }
      }
      if (!same) {
        fail("user " + want.user_ids[r] + ", " + x.name + ": expected " + shown_cell(x, r) + ", got " + shown_cell(y, r));
      } else if (!bits) {
        d.identical = false;
      }
    }
  }
  return d;
}

std::string render_table(const runtime::ResultTable& t) {
  std::string out = "user_id";
  for (const auto& c : t.columns) out += "," + c.name;
  out += "\n";
  for (size_t r = 0; r < t.rows(); ++r) {
    out += t.user_ids[r];
    for (const auto& c : t.columns) out += "," + shown_cell(c, r);
    out += "\n";
  }
  return out;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

std::string num_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace scorec::statetest
