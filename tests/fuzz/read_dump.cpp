#include "tests/fuzz/read_dump.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runtime/engine/run_state.h"
#include "runtime/io/event_reader.h"
#include "tests/fuzz/fuzz_common.h"

namespace scorec::fuzz {
namespace {

std::string num(double v) { return fmt::format("{}", v); }

void dump_column(std::string& out, const runtime::Column& c, size_t row) {
  out += c.valid[row] ? num(c.values[row]) : std::string("null");
}

}  // namespace

std::string read_dump(const std::string& path, const ir::Program& p, const ReadSettings& s) {
  runtime::RunState run(p);
  runtime::IngestStats stats;
  runtime::IngestContext ctx{p.schema, run.strings, run.lists, run.users, run.profiles, stats, s.skip_bad};
  runtime::ReaderOptions options;
  if (s.block_size) options.block_size = s.block_size;
  runtime::FieldMapping mapping;
  std::string out;
  if (s.profiles) {
    if (auto st = runtime::read_profiles(path, mapping, ctx, options); !st) out += "error: " + st.error().str() + "\n";
  } else if (auto reader = runtime::open_event_reader(path, mapping, ctx, options); !reader) {
    out += "error: " + reader.error().str() + "\n";
  } else {
    runtime::EventBatch batch;
    while (true) {
      auto more = (*reader)->next(batch, s.batch_events);
      if (!more) {
        // The run stops here: what was read before the bad line depends on how many
        // events a batch holds, and is of no use.
        out = "error: " + more.error().str() + "\n";
        for (size_t at = out.find(path); at != std::string::npos; at = out.find(path, at))
          out.replace(at, path.size(), "<input>");
        return out;
      }
      if (!*more) break;
      for (size_t r = 0; r < batch.size(); ++r) {
        out += fmt::format("event user={} type={} ts={} line={}", batch.user[r], batch.type[r], num(batch.ts[r]),
                           batch.line[r]);
        for (const auto& c : batch.columns) {
          out += ' ';
          dump_column(out, c, r);
        }
        out += '\n';
      }
    }
  }
  for (size_t u = 0; u < run.users.size(); ++u) out += fmt::format("user {} {:?}\n", u, run.users.id(u));
  for (size_t i = 0; i < run.strings.size(); ++i) out += fmt::format("string {} {:?}\n", i, run.strings.get(i));
  for (size_t i = 0; i < run.lists.size(); ++i) out += fmt::format("list {} {}\n", i, fmt::join(run.lists.get(i), ","));
  for (size_t a = 0; a < run.profiles.num_attrs(); ++a) {
    out += "profile " + p.schema.profile[a].name;
    for (size_t u = 0; u < run.profiles.rows(); ++u) {
      out += ' ';
      dump_column(out, run.profiles.column(a), u);
    }
    out += '\n';
  }
  out += fmt::format("stats read={} bad={} unknown={} missing_user={} profiles={} bad_values={} max_ts={} other={} "
                     "other_partition={}\n",
                     stats.events_read, stats.skipped_bad, stats.unknown_events, stats.missing_user,
                     stats.profiles_read, stats.bad_values, num(stats.max_ts), stats.other_messages,
                     stats.other_partition);
  for (const auto& [name, n] : stats.unknown_by_name) out += fmt::format("unknown {:?} {}\n", name, n);
  for (const auto& w : stats.warnings) out += "warning: " + w + "\n";
  // The same data under another file name must read the same.
  for (size_t at = out.find(path); at != std::string::npos; at = out.find(path, at)) out.replace(at, path.size(), "<input>");
  return out;
}

std::vector<ReadSettings> read_modes() {
  ReadSettings skip{.skip_bad = true};
  ReadSettings strict{.skip_bad = false};
  ReadSettings profiles{.profiles = true, .skip_bad = true};
  return {skip, strict, profiles};
}

void check_chunking_agrees(const std::string& path, const ir::Program& program) {
  for (ReadSettings s : read_modes()) {
    std::string whole = read_dump(path, program, s);
    s.block_size = 13;
    s.batch_events = 1;
    std::string pieces = read_dump(path, program, s);
    check(whole == pieces, std::string("reading in small blocks changes the result (") +
                               (s.profiles ? "profiles" : s.skip_bad ? "events, skip bad" : "events") +
                               ")\n--- default blocks:\n" + whole + "--- 13-byte blocks:\n" + pieces);
  }
}

}  // namespace scorec::fuzz
