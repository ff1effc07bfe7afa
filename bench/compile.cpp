// scorec-compile-bench: compile time against input size, one row per size of each
// curve that a hostile-input audit found quadratic or worse (bench/README.md,
// "Compile-time scaling"). CPU time of the process, so a busy machine changes little.
//   scorec-compile-bench            every curve
//   scorec-compile-bench chain      one curve: chain, check, jit_rules, jit_list
#include <ctime>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "frontend/compiler.h"
#include "jit/jit_compiler.h"

namespace {

using namespace scorec;

double cpu_ms(const std::function<void()>& f) {
  std::clock_t start = std::clock();
  f();
  return 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

// `on e when x + x + ... > 0 +1`: a `+` chain of n terms.
std::string chain(int n) {
  std::string s = "event e { x: number }\nscore s {\n  on e when x";
  for (int i = 1; i < n; ++i) s += " + x";
  return s + " > 0 +1\n}\n";
}

// n distinct `on` rules in one score (the W021 duplicate check compares them).
std::string rules(int n) {
  std::string s = "event e { x: number }\nscore s {\n";
  for (int i = 0; i < n; ++i) s += fmt::format("  on e when x > {} +1\n", i);
  return s + "}\n";
}

// One rule with an `in` list of n strings.
std::string list(int n) {
  std::string s = "event e { s: string }\nscore s {\n  on e when s in [";
  for (int i = 0; i < n; ++i) s += fmt::format("{}\"v{}\"", i ? ", " : "", i);
  return s + "] +1\n}\n";
}

std::optional<ir::Program> check(const std::string& text) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto p = frontend::compile_string(text, "bench.score", sources, diags);
  if (!p) {
    diags.render(std::cerr, sources);
    std::exit(1);
  }
  return p;
}

struct Curve {
  const char* name;
  const char* size_name;
  std::vector<int> sizes;
  std::function<std::string(int)> make;
  bool jit;
};

}  // namespace

int main(int argc, char** argv) {
  std::string only = argc > 1 ? argv[1] : "";
  const std::vector<Curve> curves = {
      {"chain", "`+` terms", {250, 500, 999}, chain, true},
      {"check", "rules", {5000, 10000, 20000, 40000}, rules, false},
      {"jit_rules", "rules", {250, 500, 1000, 2000, 4000}, rules, true},
      {"jit_list", "list strings", {500, 1000, 2000, 4000, 8000}, list, true},
  };
  fmt::print("| curve | size | bytes | parse+check ms | JIT compile ms |\n");
  fmt::print("|---|---:|---:|---:|---:|\n");
  for (const auto& c : curves) {
    if (!only.empty() && only != c.name) continue;
    for (int n : c.sizes) {
      std::string text = c.make(n);
      std::optional<ir::Program> program;
      double check_ms = cpu_ms([&] { program = check(text); });
      std::string jit_ms = "";
      if (c.jit) {
        double ms = cpu_ms([&] {
          auto compiled = jit::compile(*program, {.use_cache = false});
          if (!compiled) {
            std::cerr << compiled.error().message << "\n";
            std::exit(1);
          }
        });
        jit_ms = fmt::format("{:.0f}", ms);
      }
      fmt::print("| {} | {} {} | {} | {:.1f} | {} |\n", c.name, n, c.size_name, text.size(), check_ms, jit_ms);
    }
  }
  return 0;
}
