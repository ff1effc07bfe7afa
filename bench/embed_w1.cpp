// scorec-embed-w1: the library path of issue 12 (item 4) on workload W1, through the
// public API as a service calls it, against a hand-written loop on the same batch in
// the same run:
//   - Scorer::add_events with string user ids (`u<index>`) and event type names;
//   - Scorer::add_events with integer user keys (EventColumns::user_keys);
//   - the anchor: per event, weight[type] * exp2(-(as_of - ts) / half_life) added into a
//     dense per-user double array (no ids, no API).
// W1: 1,000,000 users (index = floor(u^2 * 1,000,000), u uniform in [0, 1)), 8 event
// types in a fixed mix, one half-life score, timestamps increasing over 180 days.
// Figures are M events/s of CPU time (this thread), the median of --reps fresh scorers:
// the first pass over the events meets every user, a second pass has them all known.
//   scorec-embed-w1 [--events N] [--batch N] [--reps N] [--engine native|interp] [--only ids|keys] [--warm N]
//                   [--input hot|cold]
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "scorec/scorec.hpp"

namespace {

constexpr uint32_t kUsers = 1'000'000;
constexpr double kDay = 86400;
constexpr double kStart = 1704067200;  // 2024-01-01T00:00:00Z
constexpr double kHalfLife = 30 * kDay;

// The 8 types, their share of the mix (in 16ths) and their weights.
struct Type {
  const char* name;
  int sixteenths;
  double weight;
};
constexpr Type kTypes[] = {{"email_open", 4, 3},  {"email_click", 2, 5}, {"push_click", 1, 4},
                           {"site_visit", 2, 1},  {"page_view", 4, 2},   {"unsubscribe", 1, -20},
                           {"purchase", 1, 10},   {"app_open", 1, 0.5}};

const char* kRules = R"(
event email_open { }
event email_click { }
event push_click { }
event site_visit { }
event page_view { }
event unsubscribe { }
event purchase { }
event app_open { }

score w1 {
  decay half_life 30d
  on email_open  +3
  on email_click +5
  on push_click  +4
  on site_visit  +1
  on page_view   +2
  on unsubscribe -20
  on purchase    +10
  on app_open    +0.5
}
)";

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Args {
  size_t events = 16 << 20;
  size_t batch = 65536;
  int reps = 3;
  std::string engine = "native";
  std::string only;  // ids | keys: that path alone (for a profiler)
  int warm = 1;      // passes with the users known (more: for a profiler)
  std::string input = "hot";  // hot | cold: Caller
};

// The whole workload in memory, in the columns each caller passes.
// Each row's id is its own text, the rows' texts back to back, as a service's parser
// leaves them (not views of one copy per user: every lookup would first miss the cache
// on the caller's text). Type names are views of constant names.
struct W1 {
  std::string id_text;                 // every row's id `u<index>`, back to back
  std::vector<std::string_view> users, types;
  std::vector<uint32_t> keys;          // the user index
  std::vector<uint8_t> type;           // index into kTypes
  std::vector<double> ts;
  double as_of = 0;
};

W1 make_w1(size_t n) {
  W1 w;
  uint8_t by_sixteenth[16];
  int k = 0;
  for (uint8_t t = 0; t < 8; ++t)
    for (int i = 0; i < kTypes[t].sixteenths; ++i) by_sixteenth[k++] = t;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  w.users.resize(n);
  w.types.resize(n);
  w.keys.resize(n);
  w.type.resize(n);
  w.ts.resize(n);
  std::vector<size_t> offsets(n + 1);
  const double span = 180 * kDay;
  for (size_t r = 0; r < n; ++r) {
    double u = uniform(rng);
    auto user = std::min<uint32_t>(kUsers - 1, static_cast<uint32_t>(u * u * kUsers));
    uint8_t t = by_sixteenth[rng() & 15];
    w.keys[r] = user;
    offsets[r] = w.id_text.size();
    fmt::format_to(std::back_inserter(w.id_text), "u{}", user);
    w.type[r] = t;
    w.types[r] = kTypes[t].name;
    w.ts[r] = kStart + std::floor(span * static_cast<double>(r) / static_cast<double>(n));
  }
  offsets[n] = w.id_text.size();
  for (size_t r = 0; r < n; ++r) w.users[r] = std::string_view(w.id_text).substr(offsets[r], offsets[r + 1] - offsets[r]);
  w.as_of = kStart + span;
  return w;
}

// What a caller passes per call. With hot input (the default) the caller has just
// built the batch: each batch is first copied into buffers reused from call to call
// (id texts included), untimed, so it is in cache as a service's fresh batch is; with
// cold input the calls read the workload's arrays in place, from memory. The
// hand-written loop reads its batches the same way.
struct Caller {
  bool hot = true;
  std::string text;
  std::vector<std::string_view> users, types;
  std::vector<uint32_t> keys;
  std::vector<uint8_t> type;
  std::vector<double> ts;
  std::span<const std::string_view> users_in, types_in;
  std::span<const uint32_t> keys_in;
  std::span<const uint8_t> type_in;
  std::span<const double> ts_in;

  void fill(const W1& w, size_t from, size_t to) {
    const size_t n = to - from;
    if (!hot) {
      users_in = std::span(w.users).subspan(from, n);
      types_in = std::span(w.types).subspan(from, n);
      keys_in = std::span(w.keys).subspan(from, n);
      type_in = std::span(w.type).subspan(from, n);
      ts_in = std::span(w.ts).subspan(from, n);
      return;
    }
    text.clear();
    for (size_t r = from; r < to; ++r) text += w.users[r];
    users.resize(n);
    for (size_t r = from, at = 0; r < to; at += w.users[r].size(), ++r)
      users[r - from] = std::string_view(text).substr(at, w.users[r].size());
    types.assign(w.types.begin() + static_cast<std::ptrdiff_t>(from), w.types.begin() + static_cast<std::ptrdiff_t>(to));
    keys.assign(w.keys.begin() + static_cast<std::ptrdiff_t>(from), w.keys.begin() + static_cast<std::ptrdiff_t>(to));
    type.assign(w.type.begin() + static_cast<std::ptrdiff_t>(from), w.type.begin() + static_cast<std::ptrdiff_t>(to));
    ts.assign(w.ts.begin() + static_cast<std::ptrdiff_t>(from), w.ts.begin() + static_cast<std::ptrdiff_t>(to));
    users_in = users;
    types_in = types;
    keys_in = keys;
    type_in = type;
    ts_in = ts;
  }
  scorec::EventColumns columns(bool by_key) const {
    scorec::EventColumns e;
    e.size = ts_in.size();
    if (by_key) e.user_keys = keys_in;
    else e.users = users_in;
    e.types = types_in;
    e.ts = ts_in;
    return e;
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
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
    else if (k == "--batch") a.batch = std::stoull(v);
    else if (k == "--reps") a.reps = std::stoi(v);
    else if (k == "--engine") a.engine = v;
    else if (k == "--only") a.only = v;
    else if (k == "--warm") a.warm = std::stoi(v);
    else if (k == "--input") a.input = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  auto rules = scorec::compile_string(kRules, "w1.score");
  if (!rules) return fail("w1.score", rules.error());
  scorec::ScorerOptions so;
  so.engine = a.engine == "interp" ? scorec::EngineKind::Interpreter : scorec::EngineKind::Native;
  so.user_key_limit = kUsers;
  const W1 w = make_w1(a.events);
  const double n = static_cast<double>(a.events);
  fmt::print("W1: {} events, {} users (index = floor(u^2 * 1M)), 8 types, half-life 30d, {} per call, engine {}; "
             "{} input; M events/s of CPU time in the calls, median of {}\n",
             a.events, kUsers, a.batch, a.engine, a.input, a.reps);

  Caller caller;
  caller.hot = a.input == "hot";

  // The anchor: the same events as dense indices, no API.
  std::vector<double> hand_rates;
  std::vector<double> state(kUsers);
  for (int rep = 0; rep < a.reps; ++rep) {
    std::fill(state.begin(), state.end(), 0.0);
    double weight[8];
    for (int t = 0; t < 8; ++t) weight[t] = kTypes[t].weight;
    const double as_of = w.as_of;
    double spent = 0;
    for (size_t from = 0; from < a.events; from += a.batch) {
      caller.fill(w, from, std::min(a.events, from + a.batch));
      const uint32_t* user = caller.keys_in.data();
      const uint8_t* type = caller.type_in.data();
      const double* ts = caller.ts_in.data();
      const size_t rows = caller.ts_in.size();
      double t0 = cpu_seconds();
      for (size_t r = 0; r < rows; ++r) state[user[r]] += weight[type[r]] * std::exp2(-(as_of - ts[r]) / kHalfLife);
      spent += cpu_seconds() - t0;
    }
    hand_rates.push_back(n / spent / 1e6);
  }

  // The API, string ids and then integer keys, each rep on a fresh scorer: a first pass
  // that meets the million users, then the same events again with every user known
  // (a service's steady state).
  std::vector<double> rates[2][2];
  double check[2] = {0, 0};
  for (int rep = 0; rep < a.reps; ++rep)
    for (int keys = 0; keys < 2; ++keys) {
      if (!a.only.empty() && a.only != (keys ? "keys" : "ids")) continue;
      auto s = scorec::Scorer::create(*rules, w.as_of, so);
      if (!s) return fail("create", s.error());
      for (int pass = 0; pass < 1 + a.warm; ++pass) {
        double spent = 0;
        for (size_t from = 0; from < a.events; from += a.batch) {
          caller.fill(w, from, std::min(a.events, from + a.batch));
          double t0 = cpu_seconds();
          auto st = s->add_events(caller.columns(keys != 0));
          spent += cpu_seconds() - t0;
          if (!st) return fail("add_events", st.error());
        }
        rates[keys][std::min(pass, 1)].push_back(n / spent / 1e6);
        if (pass > 0) continue;
        auto u = s->user(keys ? std::string_view("0") : std::string_view("u0"));
        if (!u) return fail("user", u.error());
        check[keys] = u->scores[0].raw;
        if (s->stats().used != a.events) return fail("stats", scorec::Error{"not every event was used"});
      }
    }
  if (a.only.empty() && (std::abs(check[0] - state[0]) > 1e-9 * std::abs(state[0]) || check[0] != check[1]))
    return fail("check", scorec::Error{fmt::format("user 0: {} (ids), {} (keys), {} (by hand)", check[0], check[1],
                                                   state[0])});

  const double hand = median(hand_rates);
  fmt::print("hand-written loop (dense indices):     {:6.1f} M events/s\n", hand);
  for (int keys = 0; keys < 2; ++keys)
    for (int pass = 0; pass < 2; ++pass) {
      if (rates[keys][pass].empty()) continue;
      double r = median(rates[keys][pass]);
      fmt::print("add_events, {:13} {:10} {:6.1f} M events/s  ({:.2f}x the hand-written loop)\n",
                 keys ? "integer keys," : "string ids,", pass ? "users known" : "first pass", r, r / hand);
    }
  return 0;
}
