// scorec-bench: the DESIGN.md §7 benchmark. See bench/README.md.
//
// Extra flags (taken out before Google Benchmark sees the command line):
//   --scorec_events=N      events in the in-memory batches (default 20000000)
//   --scorec_users=N       users (default 1000000)
//   --scorec_e2e_events=N  events in the generated NDJSON/CSV files (default 4000000)
//   --scorec_e2e_users=N   users in those files (default 200000)
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dataset.h"
#include "frontend/compiler.h"
#include "handwritten.h"
#include "jit/jit_compiler.h"
#include "jit/jit_engine.h"
#include "runtime/engine/driver.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/finalize.h"
#include "runtime/io/result_writer.h"
#include "writers.h"

namespace scorec::bench {
namespace {

size_t g_e2e_events = 4'000'000;
size_t g_e2e_users = 200'000;

[[noreturn]] void fail(const std::string& msg) {
  std::fprintf(stderr, "scorec-bench: %s\n", msg.c_str());
  std::abort();
}

std::string rules_path(const std::string& name) { return rules_dir() + "/" + name + ".score"; }

const ir::Program& program(const std::string& name) {
  static std::map<std::string, std::unique_ptr<ir::Program>> cache;
  auto& p = cache[name];
  if (!p) p = std::make_unique<ir::Program>(compile_rules_file(rules_path(name)));
  return *p;
}

gen::GeneratorConfig config_for(const std::string& name) {
  gen::GeneratorConfig cfg;
  cfg.seed = sizes().seed;
  cfg.users = sizes().users;
  cfg.events = sizes().events;
  cfg.zipf_s = sizes().zipf_s;
  if (name == "scenario2") {
    // The campaign mix restricted to the four event types scenario 2 scores, so
    // every event in the batch does work (no undeclared events inflating events/s).
    cfg.mix = gen::EventMix{};
    gen::apply_mix_overrides(cfg.mix, "email_open=38,email_click=12,push_click=10,site_visit=25");
  } else {
    cfg.mix = gen::default_mix();  // all 12 event types
  }
  return cfg;
}

std::filesystem::path temp_dir() {
  static std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "scorec-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) fail("cannot create a temporary directory");
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

std::unique_ptr<jit::CompiledRules> compile_jit(const ir::Program& p) {
  auto c = jit::compile(p, jit::JitOptions{.use_cache = false, .cache_dir = {}});
  if (!c) fail("JIT compile failed: " + c.error().message);
  return std::move(*c);
}

bool close(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

// For profiling (perf cannot name JIT code): writes the executable mapping that
// holds `fn` to `path` and prints where it is mapped and where `fn` starts, so
// `objdump -D -b binary -m i386:x86-64 --adjust-vma=START path` lines up with the
// addresses `perf report` shows.
void dump_jit_code(const void* fn, const std::string& path) {
  const auto addr = reinterpret_cast<uintptr_t>(fn);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    uintptr_t lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &lo, &hi) != 2 || addr < lo || addr >= hi) continue;
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(lo), static_cast<std::streamsize>(hi - lo));
    std::fprintf(stderr, "scorec-bench: JIT code mapping %#lx-%#lx written to %s; scorec_update at %#lx\n", lo, hi,
                 path.c_str(), addr);
    return;
  }
}

// Everything the scoring benchmarks of one rule set share, built once.
struct Bench {
  std::unique_ptr<Dataset> data;
  std::unique_ptr<runtime::Engine> interp;
  std::unique_ptr<runtime::Engine> jit;
  std::unique_ptr<Scenario2Hand> s2;
  std::unique_ptr<HeavyHand> heavy;

  void hand_run(int variant) {
    if (s2) {
      if (variant == 0) s2->run_plain(data->rows);
      else s2->run_two_pass(data->rows, variant == 2);
    } else if (variant == 0) {
      heavy->run(data->rows);
    } else {
      heavy->run_vec_decay(data->rows);
    }
  }
  void hand_reset() {
    if (s2) s2->reset();
    else heavy->reset();
  }
  double hand_raw(int s, uint32_t u) const { return s2 ? s2->raw(s, u) : heavy->raw(s, u); }
};

// Scores the whole batch with the JIT and with every hand-written variant and
// aborts unless every user's raw score agrees to 1e-9: a benchmark of a wrong
// computation is worthless.
void check_against_hand(Bench& b) {
  Dataset& d = *b.data;
  runtime::RunState& run = *d.run;
  reset_state(run);
  b.jit->update(d.batch, d.rows, run);
  const ir::Program& p = d.program;
  const size_t users = run.users.size();
  std::vector<std::vector<double>> jit_raw(p.scores.size(), std::vector<double>(users));
  for (size_t s = 0; s < p.scores.size(); ++s)
    for (uint32_t u = 0; u < users; ++u)
      jit_raw[s][u] = run.user_state(u)[p.scores[s].raw_slot] + b.jit->score_terms(static_cast<int>(s), u, run);
  const int variants = b.s2 ? 3 : 2;
  const char* s2_names[] = {"plain", "two-pass", "two-pass vector exp2"};
  const char* heavy_names[] = {"plain", "vector decay factors"};
  const char* const* names = b.s2 ? s2_names : heavy_names;
  for (int v = 0; v < variants; ++v) {
    b.hand_reset();
    b.hand_run(v);
    size_t bad = 0;
    double nonzero = 0;
    for (size_t s = 0; s < p.scores.size(); ++s)
      for (uint32_t u = 0; u < users; ++u) {
        const double h = b.hand_raw(static_cast<int>(s), u), j = jit_raw[s][u];
        if (j != 0) nonzero++;
        if (!close(h, j)) {
          if (bad < 5)
            std::fprintf(stderr, "  %s: score %s user %u: jit %.17g, hand-written (%s) %.17g\n", d.name.c_str(),
                         p.scores[s].name.c_str(), u, j, names[v], h);
          ++bad;
        }
      }
    if (bad) fail(fmt::format("{}: the JIT and the hand-written loop ({}) disagree on {} raw scores", d.name, names[v], bad));
    std::fprintf(stderr, "scorec-bench: %s: JIT == hand-written (%s) on %zu scores x %zu users (%.0f non-zero), to 1e-9\n",
                 d.name.c_str(), names[v], p.scores.size(), users, nonzero);
  }
  reset_state(run);
  b.hand_reset();
}

Bench& bench(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Bench>> cache;
  auto& b = cache[name];
  if (b) return *b;
  b = std::make_unique<Bench>();
  const ir::Program& p = program(name);
  std::fprintf(stderr, "scorec-bench: %s: generating %zu events for %zu users (zipf s=%.2f, seed %llu)...\n",
               name.c_str(), sizes().events, sizes().users, sizes().zipf_s,
               static_cast<unsigned long long>(sizes().seed));
  b->data = build_dataset(name, p, config_for(name));
  std::fprintf(stderr, "scorec-bench: %s: built in %.1f s; %zu slots per user, %d batch columns\n", name.c_str(),
               b->data->build_seconds, b->data->program.slots.size(), b->data->program.schema.num_columns);
  b->interp = runtime::make_interpreter();
  auto compiled = compile_jit(b->data->program);
  if (const char* dump = std::getenv("SCOREC_BENCH_DUMP_JIT")) dump_jit_code(reinterpret_cast<const void*>(compiled->fns.update), dump + ("." + name));
  b->jit = jit::make_jit_engine(std::move(compiled));
  if (name == "scenario2") b->s2 = std::make_unique<Scenario2Hand>(*b->data);
  else b->heavy = std::make_unique<HeavyHand>(*b->data);
  check_against_hand(*b);
  return *b;
}

void report_events(benchmark::State& st, size_t events) {
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(events));
  // Shown as a time per event (e.g. "10.7ns").
  st.counters["time_per_event"] = benchmark::Counter(static_cast<double>(st.iterations()) * static_cast<double>(events),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// ----- scoring -------------------------------------------------------------------

void BM_Engine(benchmark::State& st, std::string name, bool use_jit) {
  Bench& b = bench(name);
  runtime::Engine& engine = use_jit ? *b.jit : *b.interp;
  Dataset& d = *b.data;
  for (auto _ : st) {
    st.PauseTiming();
    reset_state(*d.run);
    st.ResumeTiming();
    engine.update(d.batch, d.rows, *d.run);
  }
  report_events(st, d.rows.size());
  st.counters["slots_per_user"] = static_cast<double>(d.program.slots.size());
}

void BM_Hand(benchmark::State& st, std::string name, int variant) {
  Bench& b = bench(name);
  for (auto _ : st) {
    st.PauseTiming();
    b.hand_reset();
    st.ResumeTiming();
    b.hand_run(variant);
  }
  report_events(st, b.data->rows.size());
}

// ----- compile times -------------------------------------------------------------

void BM_JitCompileCold(benchmark::State& st, std::string name) {
  const ir::Program& p = program(name);
  double internal = 0;
  for (auto _ : st) {
    auto c = jit::compile(p, jit::JitOptions{.use_cache = false, .cache_dir = {}});
    if (!c) fail("JIT compile failed: " + c.error().message);
    std::unique_ptr<jit::CompiledRules> rules = std::move(*c);
    internal += rules->compile_ms;
    st.PauseTiming();
    rules.reset();  // tearing down the LLJIT is not compile time
    st.ResumeTiming();
  }
  st.counters["compile_ms_reported"] = internal / static_cast<double>(st.iterations());
}

void BM_JitCompileCached(benchmark::State& st, std::string name) {
  const ir::Program& p = program(name);
  const std::string dir = (temp_dir() / ("jit-cache-" + name)).string();
  std::filesystem::create_directories(dir);
  const jit::JitOptions opts{.use_cache = true, .cache_dir = dir};
  {
    auto warm = jit::compile(p, opts);  // fills the cache
    if (!warm) fail("JIT compile failed: " + warm.error().message);
  }
  double internal = 0;
  for (auto _ : st) {
    auto c = jit::compile(p, opts);
    if (!c) fail("JIT compile failed: " + c.error().message);
    if (!(*c)->from_cache) fail("the warmed JIT cache was not used");
    std::unique_ptr<jit::CompiledRules> rules = std::move(*c);
    internal += rules->compile_ms;
    st.PauseTiming();
    rules.reset();
    st.ResumeTiming();
  }
  st.counters["compile_ms_reported"] = internal / static_cast<double>(st.iterations());
}

// 500 `on` rules over 20 event types in 10 scores, with conditions on properties
// and profile attributes, caps, limits, `once`, aggregates, scales and tiers.
std::string make_500_rules() {
  std::string s = "// generated by scorec-bench: 500 event rules over 20 event types\n";
  for (int e = 0; e < 20; ++e) s += fmt::format("event ev{:02} {{ amount: number, kind: string, n: number }}\n", e);
  s += "profile { plan: string, size: number, signed_up: timestamp, tags: list<string> }\n";
  s += "const kinds = [\"a\", \"b\", \"c\"]\nconst big = 100\n\n";
  int rule = 0;
  for (int sc = 0; sc < 10; ++sc) {
    s += fmt::format("score s{} {{\n  decay half_life {}d\n  window 180d\n", sc, 10 + 5 * sc);
    for (int k = 0; k < 50; ++k, ++rule) {
      const int e = (rule * 7 + sc) % 20;
      const int w = 1 + rule % 9;
      switch (rule % 8) {
        case 0: s += fmt::format("  on ev{:02} +{}\n", e, w); break;
        case 1: s += fmt::format("  on ev{:02} when amount >= big +{}\n", e, w); break;
        case 2: s += fmt::format("  on ev{:02} when kind == \"a\" and plan == \"paid\" +{} cap 20 per 7d\n", e, w); break;
        case 3: s += fmt::format("  on ev{:02} when kind in kinds + min(amount / 10, 5)\n", e); break;
        case 4: s += fmt::format("  on ev{:02} when n > 3 +{} limit 2 per 1d\n", e, w); break;
        case 5: s += fmt::format("  on ev{:02} -{} once\n", e, w); break;
        case 6: s += fmt::format("  on ev{:02} when size >= 100 or kind != \"b\" +{}\n", e, w); break;
        case 7: s += fmt::format("  on ev{:02} + amount * 0.01 cap 50 per 30d\n", e); break;
      }
    }
    s += fmt::format("  when plan == \"paid\" +10\n  when count(ev{:02}, 30d) >= 3 +5\n", sc);
    s += "  when \"vip\" in tags +5\n  when days_since(signed_up) <= 30 +2\n";
    s += "  scale linear 0..100 to 1..10\n  tiers { high >= 7, medium >= 4, low }\n}\n\n";
  }
  s += "segment hot = s0.tier == \"high\" and s1 >= 5\n";
  return s;
}

void BM_Check500Rules(benchmark::State& st) {
  static const std::string text = make_500_rules();
  {
    frontend::SourceManager sources;
    frontend::Diagnostics diags;
    auto p = frontend::compile_string(text, "bench500.score", sources, diags);
    if (!p) {
      diags.render(std::cerr, sources);
      fail("the generated 500-rule file does not compile");
    }
    if (p->rules.size() != 500) fail(fmt::format("the generated file has {} rules, not 500", p->rules.size()));
  }
  for (auto _ : st) {
    frontend::SourceManager sources;
    frontend::Diagnostics diags;
    auto p = frontend::compile_string(text, "bench500.score", sources, diags);
    benchmark::DoNotOptimize(p);
  }
  st.counters["rules"] = 500;
  st.counters["bytes"] = static_cast<double>(text.size());
}

// ----- memory --------------------------------------------------------------------

// Scores 1 M users (2 M events) and reports what each stage added to the resident
// set, per user, and the growth of the peak (VmHWM). Measured in a fresh process
// (this binary re-run with --scorec_memory_child=NAME), so the other benchmarks'
// batches and freed memory do not blur the figures.
std::map<std::string, double> memory_figures(const std::string& name) {
  const size_t users = 1'000'000;
  std::map<std::string, double> out;
  const uint64_t hwm0 = vm_hwm();
  gen::GeneratorConfig cfg = config_for(name);
  cfg.users = users;
  cfg.events = 2'000'000;
  std::vector<std::pair<std::string, uint64_t>> stages;
  auto d = build_dataset(name, program(name), cfg, &stages);
  auto engine = jit::make_jit_engine(compile_jit(d->program));
  const uint64_t before_run = vm_rss();
  engine->update(d->batch, d->rows, *d->run);
  runtime::ResultTable table = runtime::finalize(*engine, *d->run);
  benchmark::DoNotOptimize(table);
  const uint64_t after = vm_rss();
  const uint64_t hwm1 = vm_hwm();
  std::map<std::string, uint64_t> at(stages.begin(), stages.end());
  auto per_user = [&](uint64_t a, uint64_t b) { return (static_cast<double>(b) - static_cast<double>(a)) / users; };
  out["state_bytes_per_user"] = static_cast<double>(d->program.slots.size() * 8);
  out["rss_state_per_user"] = per_user(at["batch"], at["state"]);
  out["rss_user_index_per_user"] = per_user(at["start"], at["users"]);
  out["rss_profiles_per_user"] = per_user(at["users"], at["profiles"]);
  out["rss_batch_MB"] = (static_cast<double>(at["batch"]) - static_cast<double>(at["profiles"])) / 1e6;
  out["rss_score_finalize_per_user"] = per_user(before_run, after);
  out["hwm_growth_MB"] = (static_cast<double>(hwm1) - static_cast<double>(hwm0)) / 1e6;
  return out;
}

int memory_child(const std::string& name) {
  for (const auto& [k, v] : memory_figures(name)) std::printf("%s=%.17g\n", k.c_str(), v);
  return 0;
}

void BM_MemoryPerMillionUsers(benchmark::State& st, std::string name) {
  for (auto _ : st) {
    const std::string cmd = std::filesystem::read_symlink("/proc/self/exe").string() + " --scorec_memory_child=" + name;
    std::FILE* p = popen(cmd.c_str(), "r");
    if (!p) fail("cannot run " + cmd);
    char line[256];
    while (std::fgets(line, sizeof line, p)) {
      std::string l(line);
      const size_t eq = l.find('=');
      if (eq != std::string::npos) st.counters[l.substr(0, eq)] = std::strtod(l.c_str() + eq + 1, nullptr);
    }
    if (pclose(p) != 0) fail("the memory measurement process failed");
  }
}

// ----- end to end from a file ----------------------------------------------------

std::string e2e_file(const std::string& ext) {
  const std::filesystem::path path = temp_dir() / ("events." + ext);
  if (std::filesystem::exists(path)) return path.string();
  gen::GeneratorConfig cfg = config_for("scenario2");
  cfg.events = g_e2e_events;
  cfg.users = g_e2e_users;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) fail("cannot write " + path.string());
  {
    gen::Sink sink(f);
    gen::EventWriter w(ext == "csv" ? gen::Format::csv : gen::Format::ndjson, sink, cfg.mix);
    gen::for_each_event(cfg, [&](const gen::Event& e) {
      w.write(e);
      sink.end_record();
    });
    sink.flush();
  }
  std::fclose(f);
  return path.string();
}

void BM_EndToEnd(benchmark::State& st, std::string ext) {
  const std::string path = e2e_file(ext);
  const auto bytes = std::filesystem::file_size(path);
  const ir::Program& p = program("scenario2");
  auto engine = jit::make_jit_engine(compile_jit(p));
  const std::string out_path = (temp_dir() / ("out-" + ext + ".csv")).string();
  runtime::RunOptions opts;
  opts.events_path = path;
  for (auto _ : st) {
    auto out = runtime::run_rules(p, opts, *engine);
    if (!out) fail("run_rules failed: " + out.error().message);
    std::ofstream o(out_path, std::ios::binary);
    runtime::write_csv(out->table, o);
  }
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(bytes));
  st.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
  st.counters["events"] = static_cast<double>(g_e2e_events);
}

void register_all() {
  using benchmark::kMillisecond;
  for (std::string name : {"scenario2", "heavy"}) {
    benchmark::RegisterBenchmark(("BM_Interpreter/" + name).c_str(), BM_Engine, name, false)->Unit(kMillisecond);
    benchmark::RegisterBenchmark(("BM_Jit/" + name).c_str(), BM_Engine, name, true)->Unit(kMillisecond);
    benchmark::RegisterBenchmark(("BM_HandWritten/" + name).c_str(), BM_Hand, name, 0)->Unit(kMillisecond);
    if (name == "scenario2") {
      benchmark::RegisterBenchmark("BM_HandWrittenTwoPass/scenario2", BM_Hand, name, 1)->Unit(kMillisecond);
      benchmark::RegisterBenchmark("BM_HandWrittenTwoPassVecExp2/scenario2", BM_Hand, name, 2)->Unit(kMillisecond);
    } else {
      benchmark::RegisterBenchmark("BM_HandWrittenVecDecay/heavy", BM_Hand, name, 1)->Unit(kMillisecond);
    }
  }
  for (std::string name : {"scenario2", "heavy"}) {
    benchmark::RegisterBenchmark(("BM_JitCompileCold/" + name).c_str(), BM_JitCompileCold, name)->Unit(kMillisecond);
    benchmark::RegisterBenchmark(("BM_JitCompileCached/" + name).c_str(), BM_JitCompileCached, name)->Unit(kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_Check500Rules", BM_Check500Rules)->Unit(kMillisecond);
  for (std::string name : {"scenario2", "heavy"})
    benchmark::RegisterBenchmark(("BM_MemoryPerMillionUsers/" + name).c_str(), BM_MemoryPerMillionUsers, name)
        ->Iterations(1)
        ->Unit(kMillisecond);
  for (std::string ext : {"ndjson", "csv"})
    benchmark::RegisterBenchmark(("BM_EndToEnd/" + ext).c_str(), BM_EndToEnd, ext)->Unit(kMillisecond)->UseRealTime();
}

bool take_flag(const char* arg, const char* name, size_t& out) {
  const size_t len = std::strlen(name);
  if (std::strncmp(arg, name, len) != 0 || arg[len] != '=') return false;
  out = std::strtoull(arg + len + 1, nullptr, 10);
  return true;
}

}  // namespace
}  // namespace scorec::bench

int main(int argc, char** argv) {
  using namespace scorec::bench;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    size_t v = 0;
    if (i > 0 && std::strncmp(argv[i], "--scorec_memory_child=", 22) == 0) return memory_child(argv[i] + 22);
    if (i > 0 && take_flag(argv[i], "--scorec_events", v)) sizes().events = v;
    else if (i > 0 && take_flag(argv[i], "--scorec_users", v)) sizes().users = v;
    else if (i > 0 && take_flag(argv[i], "--scorec_e2e_events", v)) g_e2e_events = v;
    else if (i > 0 && take_flag(argv[i], "--scorec_e2e_users", v)) g_e2e_users = v;
    else args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  register_all();
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(temp_dir(), ec);
  return 0;
}
