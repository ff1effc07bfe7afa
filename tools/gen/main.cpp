// scorec-gen: writes a deterministic synthetic event file (and optionally the
// matching profiles) for examples, tests and benchmarks. Same arguments, same
// bytes.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "civil_time.h"
#include "generator.h"
#include "writers.h"

namespace gen = scorec::gen;

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != stdout) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File open_output(const std::string& path) {
  if (path == "-") return File(stdout);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot open '" + path + "' for writing");
  return File(f);
}

void close_output(File file, const std::string& path) {
  std::FILE* f = file.release();
  const bool ok = std::fflush(f) == 0 && !std::ferror(f) && (f == stdout || std::fclose(f) == 0);
  if (!ok) throw std::runtime_error("error writing '" + path + "'");
}

gen::Format resolve_format(const std::string& explicit_format, const std::string& path) {
  if (!explicit_format.empty()) return *gen::parse_format(explicit_format);  // validated by CLI11
  if (path == "-") return gen::Format::ndjson;
  if (auto f = gen::format_from_path(path)) return *f;
  throw CLI::ValidationError("cannot infer the format of '" + path +
                             "' from its extension (.ndjson, .jsonl, .csv); pass --format");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"scorec-gen: deterministic synthetic engagement events and profiles"};
  app.footer(
      "Example:\n  scorec-gen --seed 42 --users 1000 --events 100000 --events-out events.ndjson "
      "--profiles-out profiles.csv\nSame arguments produce byte-identical files.");
  gen::GeneratorConfig cfg;
  std::string start = "2024-01-01", scenario = "default", mix, format, events_out, profiles_out;
  bool quiet = false;
  gen::Format events_format = gen::Format::ndjson, profiles_format = gen::Format::ndjson;

  app.add_option("--seed", cfg.seed, "random seed")->capture_default_str();
  app.add_option("--users", cfg.users, "number of users")->capture_default_str()->check(CLI::Range(uint64_t{1}, uint64_t{UINT32_MAX}));
  app.add_option("--events", cfg.events, "number of events")->capture_default_str();
  app.add_option("--start", start, "first instant: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch seconds")
      ->capture_default_str();
  app.add_option("--days", cfg.span_days, "length of the time span in days")->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--zipf", cfg.zipf_s, "Zipf exponent of user activity")->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--scenario", scenario, "event-mix preset")
      ->capture_default_str()
      ->check(CLI::IsMember({"default", "content", "campaign", "b2b", "ecommerce"}));
  app.add_option("--mix", mix, "weight overrides, e.g. purchase=10,push_click=0");
  app.add_option("--late-signups", cfg.late_signup_fraction, "fraction of users signing up inside the span")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--events-out", events_out, "events file ('-' for stdout)");
  app.add_option("--profiles-out", profiles_out, "profiles file");
  app.add_option("--format", format, "ndjson, csv or segment (default: from each file's extension)")
      ->check(CLI::IsMember({"ndjson", "jsonl", "csv", "segment"}));
  app.add_flag("-q,--quiet", quiet, "no summary on stderr");

  try {
    app.parse(argc, argv);
    if (events_out.empty() && profiles_out.empty())
      throw CLI::ValidationError("nothing to do: give --events-out and/or --profiles-out");
    if (events_out == "-" && profiles_out == "-")
      throw CLI::ValidationError("only one output can go to stdout");
    const auto start_s = gen::parse_utc_time(start);
    if (!start_s) throw CLI::ValidationError("--start: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or epoch seconds");
    cfg.start_epoch_s = static_cast<double>(*start_s);
    cfg.mix = *gen::scenario_mix(scenario);
    gen::apply_mix_overrides(cfg.mix, mix);
    gen::validate(cfg);
    // Resolve formats before opening anything, so a bad name leaves no files.
    if (!events_out.empty()) events_format = resolve_format(format, events_out);
    if (!profiles_out.empty()) profiles_format = resolve_format(format, profiles_out);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2 (CLI11's own codes vary).
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "scorec-gen: {}\n", e.what());
    return 2;
  }

  try {
    const auto t0 = std::chrono::steady_clock::now();
    size_t event_bytes = 0;
    if (!events_out.empty()) {
      File file = open_output(events_out);
      gen::Sink sink(file.get());
      gen::EventWriter writer(events_format, sink, cfg.mix);
      gen::for_each_event(cfg, [&](const gen::Event& e) { writer.write(e); });
      sink.flush();
      if (file.get() != stdout) event_bytes = static_cast<size_t>(std::ftell(file.get()));
      close_output(std::move(file), events_out);
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (!profiles_out.empty()) {
      File file = open_output(profiles_out);
      gen::Sink sink(file.get());
      gen::ProfileWriter writer(profiles_format, sink);
      gen::for_each_profile(cfg, [&](const gen::Profile& p) { writer.write(p); });
      sink.flush();
      close_output(std::move(file), profiles_out);
    }
    if (!quiet && !events_out.empty()) {
      const double secs = std::chrono::duration<double>(t1 - t0).count();
      fmt::print(stderr, "scorec-gen: {} events, {:.1f} MB in {:.3f} s ({:.2f} M events/s, {:.0f} MB/s)\n",
                 cfg.events, event_bytes / 1e6, secs, cfg.events / secs / 1e6, event_bytes / 1e6 / secs);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "scorec-gen: {}\n", e.what());
    return 1;
  }
  return 0;
}
