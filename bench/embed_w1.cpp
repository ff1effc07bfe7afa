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
//   scorec-embed-w1 [--events N] [--batch N] [--reps N] [--engine native|interp] [--only ids|keys]
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

scorec::EventColumns slice(const W1& w, size_t from, size_t to, bool keys) {
  scorec::EventColumns e;
  e.size = to - from;
  if (keys) e.user_keys = std::span(w.keys).subspan(from, e.size);
  else e.users = std::span(w.users).subspan(from, e.size);
  e.types = std::span(w.types).subspan(from, e.size);
  e.ts = std::span(w.ts).subspan(from, e.size);
  return e;
}

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
             "M events/s of CPU time, median of {}\n",
             a.events, kUsers, a.batch, a.engine, a.reps);

  // The anchor: the same events as dense indices, no API.
  std::vector<double> hand_rates;
  std::vector<double> state(kUsers);
  for (int rep = 0; rep < a.reps; ++rep) {
    std::fill(state.begin(), state.end(), 0.0);
    double weight[8];
    for (int t = 0; t < 8; ++t) weight[t] = kTypes[t].weight;
    const double as_of = w.as_of;
    double t0 = cpu_seconds();
    for (size_t r = 0; r < a.events; ++r)
      state[w.keys[r]] += weight[w.type[r]] * std::exp2(-(as_of - w.ts[r]) / kHalfLife);
    hand_rates.push_back(n / (cpu_seconds() - t0) / 1e6);
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
      for (int pass = 0; pass < 2; ++pass) {
        double t0 = cpu_seconds();
        for (size_t from = 0; from < a.events; from += a.batch) {
          auto st = s->add_events(slice(w, from, std::min(a.events, from + a.batch), keys != 0));
          if (!st) return fail("add_events", st.error());
        }
        rates[keys][pass].push_back(n / (cpu_seconds() - t0) / 1e6);
        if (pass == 1) break;
        auto u = s->user(keys ? std::string_view("0") : std::string_view("u0"));
        if (!u) return fail("user", u.error());
        check[keys] = u->scores[0].raw;
        if (s->stats().used != a.events) return fail("stats", scorec::Error{"not every event was used"});
      }
    }
  if (!a.only.empty()) return 0;
  if (std::abs(check[0] - state[0]) > 1e-9 * std::abs(state[0]) || check[0] != check[1])
    return fail("check", scorec::Error{fmt::format("user 0: {} (ids), {} (keys), {} (by hand)", check[0], check[1],
                                                   state[0])});

  const double hand = median(hand_rates);
  fmt::print("hand-written loop (dense indices):     {:6.1f} M events/s\n", hand);
  for (int keys = 0; keys < 2; ++keys)
    for (int pass = 0; pass < 2; ++pass) {
      double r = median(rates[keys][pass]);
      fmt::print("add_events, {:13} {:10} {:6.1f} M events/s  ({:.2f}x the hand-written loop)\n",
                 keys ? "integer keys," : "string ids,", pass ? "users known" : "first pass", r, r / hand);
    }
  return 0;
}
