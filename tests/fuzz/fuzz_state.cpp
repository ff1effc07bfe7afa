// State files (`scorec run --state-in`, `scorec finalize`) with any payload. The fuzz
// input is the payload only: the target writes the header a real state file has (magic,
// format version, length, XXH3 checksum, from the project's own constants and hash) and
// the layout hash of the fixed rules (tests/fuzz/schema.score) as the payload's first
// 8 bytes, so the fuzzer gets past the integrity checks to the decoder and the session.
//
// A state must load or be refused with an error, never crash. One that loads is
// continued over a few new events by the interpreter and by the JIT (the results must
// agree), saved again (the saved state must read back), and finalized.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "jit/jit_compiler.h"
#include "jit/jit_engine.h"
#include "runtime/engine/driver.h"
#include "runtime/state/state_file.h"
#include "runtime/state/state_layout.h"
#include "support/hash.h"
#include "tests/differential/diff_runner.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

namespace rt = scorec::runtime;
using scorec::fuzz::check;
using scorec::fuzz::scratch_path;

constexpr size_t kHeaderSize = 32;

// Events before, at and after the states' times, of every type, for new users and for
// the seeds' users.
const char* const kEvents =
    R"({"user_id":"u1","event":"open","timestamp":"2024-02-20T10:00:00Z","n1":1,"s1":"a","b1":true,"l1":["vip"],"t1":"2024-01-01T00:00:00Z"})" "\n"
    R"({"user_id":"u1","event":"click","timestamp":"2024-02-21T10:00:00Z","n1":4,"s1":"x"})" "\n"
    R"({"user_id":"u2","event":"purchase","timestamp":"2024-02-22T10:00:00Z","amount":50,"currency":"EUR","items":1})" "\n"
    R"({"user_id":"u2","event":"site_visit","timestamp":"2024-02-23T10:00:00Z","page":"/pricing","seconds":40})" "\n"
    R"({"user_id":"u9","event":"email_open","timestamp":"2024-02-24T10:00:00Z","campaign":"c"})" "\n"
    R"({"type":"identify","userId":"u9","traits":{"plan":"paid","industry":"software","pl":["vip"]}})" "\n"
    R"({"user_id":"u3","event":"login","timestamp":"2024-01-01T00:00:00Z"})" "\n";

// The events the seed states are saved from.
const char* const kSeedEvents =
    R"({"user_id":"u1","event":"open","timestamp":"2024-02-01T10:00:00Z","n1":2,"s1":"b","l1":["a","vip"]})" "\n"
    R"({"user_id":"u1","event":"open","timestamp":"2024-02-01T11:00:00Z"})" "\n"
    R"({"user_id":"u2","event":"click","timestamp":"2024-02-10T10:00:00Z","n1":2})" "\n"
    R"({"user_id":"u2","event":"purchase","timestamp":"2024-02-15T10:00:00Z","amount":30,"currency":"USD","items":2})" "\n"
    R"({"user_id":"u3","event":"purchase","timestamp":"2024-02-19T10:00:00Z","amount":30,"currency":"USD","items":2})" "\n"
    R"({"type":"identify","userId":"u3","traits":{"plan":"free","company_size":500,"pb":true,"pt":"2023-05-01T00:00:00Z"}})" "\n";

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// A state file around `payload`, as encode_state writes it.
std::string with_header(const std::string& payload) {
  std::string out = "SCORECST";
  put<uint32_t>(out, rt::kStateFormatVersion);
  put<uint32_t>(out, 0);
  put<uint64_t>(out, payload.size());
  put<uint64_t>(out, scorec::xxh3_64(payload.data(), payload.size()));
  return out + payload;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Setup {
  const scorec::ir::Program& program = scorec::fuzz::fixed_program("schema.score");
  std::unique_ptr<rt::Engine> interpreter = rt::make_interpreter();
  std::unique_ptr<rt::Engine> jit;
  std::string events = scratch_path("events.ndjson");
  std::string state = scratch_path("in.state");
  std::string saved = scratch_path("out.state");

  Setup() {
    scorec::jit::JitOptions jo;
    jo.use_cache = false;
    auto compiled = scorec::jit::compile(program, jo);
    check(static_cast<bool>(compiled), "fuzz setup: the JIT cannot compile schema.score");
    jit = scorec::jit::make_jit_engine(std::move(*compiled));
    scorec::fuzz::write_file(events, kEvents);
  }
};

// Seeds: the payloads of states saved by runs over kSeedEvents (whole, and the two
// partitions of a partitioned run).
void write_seeds(const std::string& dir) {
  Setup s;
  std::string seed_events = scratch_path("seed_events.ndjson");
  scorec::fuzz::write_file(seed_events, kSeedEvents);
  int n = 0;
  for (uint32_t parts : {1u, 2u})
    for (uint32_t k = 0; k < parts; ++k)
      for (double as_of : {1708300000.0, 1709251200.0}) {
        rt::RunOptions o;
        o.events_path = seed_events;
        o.as_of = as_of;
        o.partition = {k, parts};
        o.state_out = s.saved;
        o.rules_label = "schema.score";
        auto out = rt::run_rules(s.program, o, *s.interpreter);
        check(static_cast<bool>(out), "fuzz setup: cannot save a seed state: " + (out ? "" : out.error().str()));
        scorec::fuzz::write_file(dir + "/state_" + std::to_string(++n), read_bytes(s.saved).substr(kHeaderSize));
      }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string dir = scorec::fuzz::seed_dir();
  if (dir.empty()) return 0;
  write_seeds(dir);
  std::exit(0);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Setup s;
  std::string payload(reinterpret_cast<const char*>(data), size);
  if (payload.size() >= 8) {
    uint64_t layout = rt::layout_hash(s.program);
    std::memcpy(payload.data(), &layout, sizeof layout);
  }
  scorec::fuzz::write_file(s.state, with_header(payload));
  auto state = rt::read_state_file(s.state, s.program);
  if (!state) return 0;

  // Continue the run from the state (its own partition), with each engine.
  rt::RunOptions o;
  o.events_path = s.events;
  o.state_in = s.state;
  o.skip_bad = true;
  o.partition = {state->partition, state->partitions};
  auto by_interpreter = rt::run_rules(s.program, o, *s.interpreter);
  auto by_jit = rt::run_rules(s.program, o, *s.jit);
  auto diffs = scorec::difftest::diff_runs(by_interpreter, by_jit, s.program);
  std::string why = "the JIT and the interpreter disagree on a run continued from the state:";
  for (const auto& d : diffs) why += "\n  " + d;
  check(diffs.empty(), why);

  // Saved again, the state reads back.
  o.state_out = s.saved;
  if (rt::run_rules(s.program, o, *s.interpreter)) {
    auto again = rt::read_state_file(s.saved, s.program);
    check(static_cast<bool>(again), "a state saved by a run does not read back: " + (again ? "" : again.error().str()));
  }

  // `scorec finalize` of the one state.
  (void)rt::combine_states(s.program, {s.state}, *s.interpreter, std::nullopt, "fuzz");
  return 0;
}
