#include "runtime/engine/run_accounting.h"

#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "support/text.h"

namespace scorec::runtime {
namespace {

std::string count(uint64_t n, bool group) { return group ? group_digits(n) : std::to_string(n); }

std::vector<std::pair<const char*, uint64_t>> terms(const RunSummary& s) {
  const IngestStats& e = s.events;
  return {
      {"used", s.engine.used},
      {"after as-of", s.engine.future},
      {"unknown type", e.unknown_events},
      {"other partitions", e.other_partition},
      {"without user id", e.missing_user},
      {"bad (skipped)", e.skipped_bad},
      {"duplicates", e.duplicate_messages},
      {"identify", e.profiles_read},
      {"alias", e.alias_messages},
      {"other messages", e.other_messages},
  };
}

}  // namespace

uint64_t accounted_lines(const RunSummary& s) {
  uint64_t sum = 0;
  for (const auto& [name, n] : terms(s)) sum += n;
  return sum;
}

std::string format_accounting(const RunSummary& s, bool group) {
  std::string out = fmt::format("summary: lines {} =", count(s.events.records, group));
  bool first = true;
  for (const auto& [name, n] : terms(s)) {
    if (n == 0 && !first) continue;
    out += fmt::format("{} {} {}", first ? "" : " +", name, count(n, group));
    first = false;
  }
  // Never seen in a test: a line no count holds would be input lost without a word.
  if (accounted_lines(s) != s.events.records)
    out += fmt::format(" (internal error: these add up to {})", count(accounted_lines(s), group));
  return out + "\n";
}

std::string format_distribution(const ResultTable& table, const ir::Program& program, bool group) {
  auto column = [&](const std::string& name) -> const ResultColumn* {
    for (const auto& c : table.columns)
      if (c.name == name && c.kind == ColumnKind::Text) return &c;
    return nullptr;
  };
  auto line = [&](const std::string& what, const std::vector<ir::Tier>& tiers, const ResultColumn& col) {
    std::map<std::string, uint64_t, std::less<>> counts;
    uint64_t none = 0;
    for (size_t r = 0; r < table.rows(); ++r) {
      if (col.valid[r]) ++counts[col.texts[r]];
      else ++none;
    }
    const double users = static_cast<double>(table.rows());
    std::string out = fmt::format("summary: {}:", what);
    auto item = [&](std::string_view name, uint64_t n, bool first) {
      out += fmt::format("{} {} {} ({}%)", first ? "" : ",", name, count(n, group),
                         format_number(users > 0 ? std::round(1000.0 * static_cast<double>(n) / users) / 10.0 : 0));
    };
    bool first = true;
    for (const auto& t : tiers) {
      auto it = counts.find(t.name);
      item(t.name, it == counts.end() ? 0 : it->second, first);
      first = false;
    }
    if (none > 0) item("none", none, first);
    return out + "\n";
  };
  std::string out;
  if (table.rows() == 0) return out;
  for (const auto& sc : program.scores)
    if (!sc.tiers.empty())
      if (const ResultColumn* c = column(sc.name + "_tier")) out += line(sc.name + " tiers", sc.tiers, *c);
  for (const auto& g : program.grades)
    if (const ResultColumn* c = column(g.name)) out += line(g.name + " letters", g.letters, *c);
  return out;
}

}  // namespace scorec::runtime
