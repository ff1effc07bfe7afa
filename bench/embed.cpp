// scorec-embed-bench: what a service embedding scorec pays (issue 6), through the public
// API (include/scorec/scorec.hpp) as a service calls it:
//   - per-event latency of the row-at-a-time call (Scorer::add_event), p50/p99/p99.9;
//   - throughput of the columnar batch call (Scorer::add_events);
//   - the saved state's size per million users, and the time to load it.
// Events come from the deterministic generator (bench/dataset.h), Zipf users.
//   scorec-embed-bench [--events N] [--users N] [--rules scenario2|heavy] [--engine native|interp]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dataset.h"
#include "scorec/scorec.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Args {
  size_t events = 20'000'000;
  size_t users = 1'000'000;
  size_t latency_events = 2'000'000;
  std::string rules = "scenario2";
  std::string engine = "native";
};

// The generator's batch as the API's columns: user ids and type names as text.
struct Columns {
  std::vector<std::string_view> users, types;
  std::vector<double> ts;
  struct Prop {
    std::string name;
    std::vector<double> numbers;
    std::vector<std::string_view> texts;
    std::vector<uint8_t> valid;
    bool text = false;
  };
  std::vector<Prop> props;
};

Columns to_columns(const scorec::bench::Dataset& d) {
  Columns c;
  const auto& b = d.batch;
  const auto& schema = d.program.schema;
  const size_t n = b.size();
  c.users.reserve(n);
  c.types.reserve(n);
  for (size_t r = 0; r < n; ++r) {
    c.users.push_back(d.run->users.id(b.user[r]));
    c.types.push_back(b.type[r] == scorec::runtime::kUnknownEvent ? std::string_view("other")
                                                                   : std::string_view(schema.events[b.type[r]].name));
  }
  c.ts = b.ts;
  // One API column per property name (the schema's columns are per event type).
  for (const auto& e : schema.events)
    for (const auto& p : e.props) {
      auto it = std::find_if(c.props.begin(), c.props.end(), [&](const Columns::Prop& x) { return x.name == p.name; });
      if (it == c.props.end()) {
        c.props.push_back({p.name, std::vector<double>(n, 0.0), {}, std::vector<uint8_t>(n, 0), false});
        it = c.props.end() - 1;
        if (p.type == scorec::ir::Type::String) {
          it->text = true;
          it->texts.resize(n);
        }
      }
      const auto& col = b.columns[static_cast<size_t>(p.column)];
      for (size_t r = 0; r < n; ++r) {
        if (!col.valid[r]) continue;
        it->valid[r] = 1;
        if (it->text) it->texts[r] = d.run->strings.get(static_cast<uint32_t>(col.values[r]));
        else it->numbers[r] = col.values[r];
      }
    }
  return c;
}

scorec::EventColumns slice(const Columns& c, size_t from, size_t to) {
  scorec::EventColumns e;
  e.size = to - from;
  e.users = std::span(c.users).subspan(from, e.size);
  e.types = std::span(c.types).subspan(from, e.size);
  e.ts = std::span(c.ts).subspan(from, e.size);
  for (const auto& p : c.props) {
    scorec::EventColumns::Column col;
    col.name = p.name;
    if (p.text) col.texts = std::span(p.texts).subspan(from, e.size);
    else col.numbers = std::span(p.numbers).subspan(from, e.size);
    col.valid = std::span(p.valid).subspan(from, e.size);
    e.columns.push_back(col);
  }
  return e;
}

double percentile(std::vector<double>& v, double q) {
  size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

int fail(const std::string& what, const scorec::Error& e) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), e.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--events") a.events = std::stoull(v);
    else if (k == "--users") a.users = std::stoull(v);
    else if (k == "--latency-events") a.latency_events = std::stoull(v);
    else if (k == "--rules") a.rules = v;
    else if (k == "--engine") a.engine = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  const std::string path = scorec::bench::rules_dir() + "/" + a.rules + ".score";
  auto rules = scorec::compile_file(path);
  if (!rules) return fail(path, rules.error());
  scorec::ScorerOptions so;
  so.engine = a.engine == "interp" ? scorec::EngineKind::Interpreter : scorec::EngineKind::Native;

  scorec::gen::GeneratorConfig cfg;
  cfg.events = a.events;
  cfg.users = a.users;
  auto data = scorec::bench::build_dataset(a.rules, scorec::bench::compile_rules_file(path), cfg);
  Columns cols = to_columns(*data);
  const double as_of = data->run->as_of;
  fmt::print("rules {}, engine {}, {} events, {} users (Zipf), as of the latest event\n", a.rules, a.engine,
             cols.ts.size(), a.users);

  // 1. Row at a time: each call timed on its own.
  {
    auto s = scorec::Scorer::create(*rules, as_of, so);
    if (!s) return fail("create", s.error());
    const size_t n = std::min(a.latency_events, cols.ts.size());
    std::vector<double> ns(n);
    std::vector<scorec::Field> fields;
    for (size_t r = 0; r < n; ++r) {
      fields.clear();
      for (const auto& p : cols.props)
        if (p.valid[r]) fields.push_back({p.name, p.text ? scorec::Value(p.texts[r]) : scorec::Value(p.numbers[r])});
      auto t0 = Clock::now();
      auto st = s->add_event(cols.users[r], cols.types[r], cols.ts[r], fields);
      ns[r] = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
      if (!st) return fail("add_event", st.error());
    }
    double mean = 0;
    for (double x : ns) mean += x;
    mean /= static_cast<double>(n);
    fmt::print("add_event latency over {} events: p50 {:.0f} ns, p99 {:.0f} ns, p99.9 {:.0f} ns, mean {:.0f} ns\n", n,
               percentile(ns, 0.5), percentile(ns, 0.99), percentile(ns, 0.999), mean);
    auto t0 = Clock::now();
    auto u = s->user(cols.users[0]);
    double first = seconds_since(t0);
    if (!u) return fail("user", u.error());
    t0 = Clock::now();
    const size_t reads = std::min<size_t>(100000, n);
    for (size_t r = 0; r < reads; ++r)
      if (!s->user(cols.users[r])) return fail("user", scorec::Error{"lost a user"});
    fmt::print("user(): {:.1f} us for the first read after the events, then {:.2f} us per read\n", first * 1e6,
               seconds_since(t0) * 1e6 / static_cast<double>(reads));
  }

  // 2. Columnar batches of 64K events; 3. the state it leaves; 4. loading it.
  auto s = scorec::Scorer::create(*rules, as_of, so);
  if (!s) return fail("create", s.error());
  auto t0 = Clock::now();
  for (size_t from = 0; from < cols.ts.size(); from += 65536) {
    auto st = s->add_events(slice(cols, from, std::min(cols.ts.size(), from + 65536)));
    if (!st) return fail("add_events", st.error());
  }
  double secs = seconds_since(t0);
  fmt::print("add_events (64K per call): {:.2f} s, {:.1f} M events/s\n", secs, static_cast<double>(cols.ts.size()) / secs / 1e6);
  t0 = Clock::now();
  auto table = s->results();
  fmt::print("results() of {} users: {:.2f} s\n", s->stats().users, seconds_since(t0));

  const std::string state = (std::filesystem::temp_directory_path() / "scorec-embed-bench.state").string();
  t0 = Clock::now();
  if (auto st = s->save_state(state); !st) return fail("save_state", st.error());
  double save_s = seconds_since(t0);
  auto bytes = std::filesystem::file_size(state);
  double users = static_cast<double>(s->stats().users);
  fmt::print("state: {} users, {:.1f} MB ({:.1f} MB per million users, {:.0f} B per user), saved in {:.2f} s\n",
             s->stats().users, static_cast<double>(bytes) / 1e6, static_cast<double>(bytes) / users, static_cast<double>(bytes) / users,
             save_s);
  std::vector<double> loads;
  for (int i = 0; i < 3; ++i) {
    t0 = Clock::now();
    auto loaded = scorec::Scorer::load_state(*rules, state, so);
    loads.push_back(seconds_since(t0));
    if (!loaded) return fail("load_state", loaded.error());
  }
  std::sort(loads.begin(), loads.end());
  fmt::print("load_state: {:.3f} s (median of 3; min {:.3f} s)\n", loads[1], loads[0]);
  std::filesystem::remove(state);
  return 0;
}
