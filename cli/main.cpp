// scorec: check, run and inspect scoring rules. A thin layer over the library; it
// only parses arguments and turns results into messages and exit codes.
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "frontend/diagnostics.h"
#include "runtime/io/field_mapping.h"
#include "support/text.h"

namespace {

std::string mapping_keys_help() {
  std::string out;
  for (const auto& k : scorec::runtime::mapping_keys()) out += (out.empty() ? "" : ", ") + k + "=";
  return out;
}

// --import-path, on every command that compiles rules (docs/language.md, "Imports").
void add_import_path(CLI::App* cmd, scorec::cli::ImportPaths& paths) {
  cmd->add_option("--import-path,-I", paths,
                  "Also let imports use .score files in this folder (repeatable); by default only the rules "
                  "file's folder and the standard library")
      ->check(CLI::ExistingDirectory);
}

// The options of every command that reads events (run, diff, explain).
void add_input_options(CLI::App* cmd, scorec::cli::InputArgs& a, bool stdin_ok) {
  cmd->add_option("--events,-e", a.events,
                  stdin_ok ? "Events file: .ndjson/.jsonl/.csv, optionally .gz; - for stdin"
                           : "Events file: .ndjson/.jsonl/.csv, optionally .gz")
      ->required();
  cmd->add_option("--profiles,-p", a.profiles, "Profiles file (CSV, NDJSON or Segment identify messages)");
  cmd->add_option("--as-of", a.as_of,
                  "Score as of this instant: 2024-06-01, 2024-06-01T12:00:00Z, epoch seconds, or now (default: the "
                  "latest event's time)");
  cmd->add_flag("--skip-bad", a.skip_bad, "Skip malformed lines (counted in the summary) instead of stopping");
  cmd->add_flag("--keep-duplicates", a.keep_duplicates,
                "Read every copy of an NDJSON message whose messageId came before (default: the first copy only)");
  cmd->add_flag("--no-identity-merge", a.no_identity_merge,
                "Score every anonymousId as a user of its own (default: merged into the userId a message or an alias "
                "links it to)");
  cmd->add_option("--mapping", a.mapping, "Field mapping file for the events (key = value lines)")->check(CLI::ExistingFile);
  cmd->add_option("--map", a.maps,
                  "Field mapping for the events, KEY=VALUE (repeatable): " + mapping_keys_help() +
                      ", prop.NAME=, alias.EVENT= (docs/input.md)");
  cmd->add_option("--profile-mapping", a.profile_mapping, "Field mapping file for the profiles")->check(CLI::ExistingFile);
  cmd->add_option("--profile-map", a.profile_maps, "Field mapping for the profiles, KEY=VALUE (repeatable): user=, attr.NAME=");
  cmd->add_option("--engine", a.engine, "jit: native code compiled by LLVM (default); interp: the reference interpreter")
      ->check(CLI::IsMember({"jit", "interp"}));
  cmd->add_flag("--no-cache", a.no_cache, "Compile the rules afresh instead of using the compiled-code cache");
  cmd->add_flag("--quiet,-q", a.quiet, "Do not print the run summary (or a compiled-code cache warning) on stderr");
  add_import_path(cmd, a.import_paths);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace scorec::cli;
  CLI::App app{"scorec: a rules language and compiler for engagement and lead scoring", "scorec"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "scorec 0.1.0");
  bool color = isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");

  CheckArgs check_args;
  auto* check_cmd = app.add_subcommand("check", "Check rules files and report every error (exit 0 clean, 1 errors)");
  check_cmd->add_option("files", check_args.files, "Rules files; - for standard input")->required();
  check_cmd->add_option("--format,-f", check_args.format, "text (on stderr, default), json or sarif (on stdout)")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  check_cmd->add_flag("--werror", check_args.werror, "Treat warnings as errors: exit 1 when there are any");
  check_cmd->add_option("--allow", check_args.allow,
                        "Leave out this warning code (repeatable, e.g. --allow W050); one line: a comment "
                        "'// scorec: allow W050' on it or above it")
      ->delimiter(',')
      ->check([](const std::string& code) -> std::string {
        if (code.size() > 1 && code[0] == 'E') return "errors cannot be allowed, only warnings (W...)";
        auto* info = scorec::frontend::find_code(code);
        return info && code[0] == 'W' ? "" : "not a warning code (see docs/diagnostics.md)";
      });
  add_import_path(check_cmd, check_args.import_paths);

  IrArgs ir_args;
  auto* ir_cmd = app.add_subcommand("ir", "Print the compiled IR of a rules file");
  ir_cmd->add_option("file", ir_args.file, "Rules file; - for standard input")->required();
  ir_cmd->add_flag("--llvm", ir_args.llvm, "Print the optimized LLVM IR the JIT compiles instead");
  add_import_path(ir_cmd, ir_args.import_paths);

  RunArgs run_args;
  auto* run_cmd = app.add_subcommand("run", "Score users from event (and profile) files");
  run_cmd->add_option("rules", run_args.rules, "Rules file; - for standard input")->required();
  add_input_options(run_cmd, run_args, true);
  run_cmd->add_option("--format,-f", run_args.format, "Output format")->check(CLI::IsMember({"csv", "ndjson"}));
  run_cmd->add_option("--output,-o", run_args.output, "Output file (default: standard output)");
  run_cmd->add_option("--sort", run_args.sort,
                      "Order the rows by a column: COLUMN[:asc|:desc], e.g. engagement:desc (default: first appearance)");
  run_cmd->add_flag("--with-as-of", run_args.with_as_of, "Add an as_of column: the instant the scores are as of");
  run_cmd->add_option("--keep", run_args.keep, "Profile attributes to pass through as columns, e.g. email,company")
      ->delimiter(',');
  run_cmd->add_option("--only-changed", run_args.only_changed,
                      "Write only the users whose row differs from a previous output (CSV) or state file, and new users");
  run_cmd->add_flag("--csv-safe", run_args.csv_safe, "Prefix ' to CSV text cells starting with = + - @ so spreadsheets do not run them as formulas");
  run_cmd->add_option("--threads,-j", run_args.threads, "Threads for reading and scoring (default: every core); the output is the same for any number")->check(CLI::Range(1, 256));
  // Tests cut inputs into tiny blocks so that block boundaries fall everywhere.
  run_cmd->add_option("--block-bytes", run_args.block_bytes)->group("");
  run_cmd->add_flag("--strict", run_args.strict, "Fail (exit 1, nothing written) when the input has event types the rules do not declare, lacks a declared one, or has values not of the declared type");
  run_cmd->add_flag("--stream", run_args.stream, "Read the events twice in chunks, in memory bounded by the number of users");
  run_cmd->add_option("--chunk-events", run_args.chunk_events, "Events per chunk when reading (default 65536)")->check(CLI::Range(1, 1 << 26));
  run_cmd->add_option("--state-in", run_args.state_in, "Continue from this state file (saved with --state-out)")->check(CLI::ExistingFile);
  run_cmd->add_option("--state-out", run_args.state_out, "Save every user's state here, to continue with new events later");
  run_cmd->add_option("--partition", run_args.partition, "K/N: score only the users whose id hashes to K of N (see scorec finalize)");

  FinalizeArgs finalize_args;
  auto* finalize_cmd = app.add_subcommand("finalize", "Combine the states of a partitioned run into the result of one run over everything");
  finalize_cmd->add_option("rules", finalize_args.rules, "Rules file")->required();
  finalize_cmd->add_option("states", finalize_args.states, "The state files of every partition (--state-out of each run)")->required()->check(CLI::ExistingFile);
  finalize_cmd->add_option("--format,-f", finalize_args.format, "Output format")->check(CLI::IsMember({"csv", "ndjson"}));
  finalize_cmd->add_option("--output,-o", finalize_args.output, "Output file (default: standard output)");
  finalize_cmd->add_flag("--csv-safe", finalize_args.csv_safe, "Prefix ' to CSV text cells starting with = + - @ so spreadsheets do not run them as formulas");
  finalize_cmd->add_option("--state-out", finalize_args.state_out, "Also save the combined state here");
  finalize_cmd->add_option("--engine", finalize_args.engine, "jit (default) or interp")->check(CLI::IsMember({"jit", "interp"}));
  finalize_cmd->add_flag("--no-cache", finalize_args.no_cache, "Compile the rules afresh instead of using the compiled-code cache");
  finalize_cmd->add_flag("--quiet,-q", finalize_args.quiet, "Do not print the summary (or a compiled-code cache warning) on stderr");
  add_import_path(finalize_cmd, finalize_args.import_paths);

  DiffArgs diff_args;
  auto* diff_cmd = app.add_subcommand("diff", "Score the same input with two versions of the rules and report what changed");
  diff_cmd->add_option("old", diff_args.old_rules, "Rules file before the change")->required();
  diff_cmd->add_option("new", diff_args.new_rules, "Rules file after the change")->required();
  add_input_options(diff_cmd, diff_args, false);
  diff_cmd->add_option("--format,-f", diff_args.format, "text (Markdown tables) or json")->check(CLI::IsMember({"text", "json"}));
  diff_cmd->add_option("--output,-o", diff_args.output, "Output file (default: standard output)");
  diff_cmd->add_option("--max-tier-changes", diff_args.max_tier_changes,
                       "A gate for CI: exit 1 (after writing the report) when more than this percentage of users "
                       "change tier in any score, or letter in any grade")
      ->check(CLI::Range(0.0, 100.0));

  ExplainArgs explain_args;
  auto* explain_cmd = app.add_subcommand("explain", "Show how each score of one user is computed, line by line");
  explain_cmd->add_option("rules", explain_args.rules, "Rules file; - for standard input")->required();
  add_input_options(explain_cmd, explain_args, false);
  explain_cmd->add_option("--user,-u", explain_args.user, "The user id to explain")->required();
  explain_cmd->add_option("--format,-f", explain_args.format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  explain_cmd->add_option("--output,-o", explain_args.output, "Output file (default: standard output)");

  ReportArgs report_args;
  auto* report_cmd = app.add_subcommand(
      "report", "Write one self-contained HTML page about a run: distributions, tiers, what gives the points, input");
  report_cmd->add_option("rules", report_args.rules, "Rules file; - for standard input")->required();
  add_input_options(report_cmd, report_args, true);
  report_cmd->add_option("--baseline", report_args.baseline,
                         "An older rules file: also show tier migrations, the biggest movers and its histograms")
      ->check(CLI::ExistingFile);
  report_cmd->add_option("--output,-o", report_args.output, "The HTML file to write (default: standard output)");
  report_cmd->add_option("--bins", report_args.bins, "At most this many histogram bins (default 24)")
      ->check(CLI::Range(size_t{2}, size_t{200}));
  report_cmd->footer(
      "The rules are scored by the reference interpreter, which reports each rule's contributions; --engine "
      "scores the baseline.\nExample: scorec report leads.score --events events.ndjson -o report.html");

  FmtArgs fmt_args;
  auto* fmt_cmd = app.add_subcommand("fmt", "Format rules files in the canonical layout (print, --check or -w)");
  fmt_cmd->add_option("files", fmt_args.files, "Rules files; - for standard input")->required();
  fmt_cmd->add_flag("--check", fmt_args.check, "Print a diff for each file that is not formatted; exit 1 if any");
  fmt_cmd->add_flag("-w,--write", fmt_args.write, "Rewrite the files that are not formatted, in place");
  fmt_cmd->add_option("--width", fmt_args.width, "The line width to keep to (default 100)")
      ->check(CLI::Range(size_t{20}, size_t{1000}));

  TestArgs test_args;
  auto* test_cmd = app.add_subcommand("test", "Run the test blocks of rules files (exit 0 all pass, 1 a failure or an error)");
  test_cmd->add_option("files", test_args.files, "Rules files; - for standard input")->required();
  test_cmd->add_option("--engine", test_args.engine, "both (default: the interpreter and the JIT), jit or interp")
      ->check(CLI::IsMember({"both", "jit", "interp"}));
  test_cmd->add_option("--junit", test_args.junit, "Also write the outcomes as JUnit XML to this file (for CI test reports)");
  test_cmd->add_flag("--no-cache", test_args.no_cache, "Compile the rules afresh instead of using the compiled-code cache");
  add_import_path(test_cmd, test_args.import_paths);

  CompileArgs compile_args;
  auto* compile_cmd = app.add_subcommand(
      "compile", "Compile rules ahead of time to an object file (and a header) that links without LLVM");
  compile_cmd->add_option("rules", compile_args.rules, "Rules file")->required();
  compile_cmd->add_option("--output,-o", compile_args.output, "The object file to write (ELF, for this machine's triple)")
      ->required();
  compile_cmd->add_option("--header", compile_args.header, "Also write a C/C++ header declaring the module");
  compile_cmd->add_option("--name", compile_args.name,
                          "The rule set's C identifier: the object defines scorec_NAME_module (default: the rules "
                          "file's name)");
  compile_cmd->add_option("--target-cpu", compile_args.target_cpu,
                          "The CPU to compile for, as LLVM names it (x86-64, x86-64-v3, znver3, ...; default: this "
                          "machine's)");
  add_import_path(compile_cmd, compile_args.import_paths);
  compile_cmd->footer(
      "Link the object with the runtime library libscorec_rt (-lscorec_rt; CMake: scorec::scorec_rt) and "
      "load its module with scorec::Rules::from_aot.\nExample: scorec compile leads.score -o leads.o --header leads.h");

  // `scorec help [COMMAND]`, and a command name that is no command: say so, with the
  // nearest one, instead of "A subcommand is required".
  auto command = [&](const std::string& name) -> CLI::App* {
    for (auto* sub : app.get_subcommands({}))
      if (sub->get_name() == name) return sub;
    return nullptr;
  };
  if (argc > 1 && argv[1][0] != '-' && !command(argv[1])) {
    std::string word = argv[1];
    if (word == "help") {
      CLI::App* sub = argc > 2 ? command(argv[2]) : nullptr;
      std::cout << (sub ? sub->help() : app.help());
      return 0;
    }
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    auto near = scorec::closest_match(word, names);
    std::cerr << "error: unknown command '" << word << "'" << (near ? "; did you mean '" + *near + "'?" : "")
              << "\nThe commands are: " << fmt::format("{}", fmt::join(names, ", ")) << ". Run 'scorec --help' for usage.\n";
    return 2;
  }
  // A usage error: CLI11's message, then a did-you-mean for each option the command
  // does not know (--event for --events, --asof for --as-of), then one pointer to help.
  app.failure_message([argc, argv](const CLI::App* root, const CLI::Error& e) {
    const CLI::App* cmd = root;
    for (const auto* sub : root->get_subcommands()) cmd = sub;
    std::string out = std::string("error: ") + e.what() + "\n";
    std::vector<std::string> known;
    for (const auto* opt : cmd->get_options())
      for (const auto& name : opt->get_lnames()) known.push_back("--" + name);
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (!arg.starts_with("--")) continue;
      arg = arg.substr(0, arg.find('='));
      if (std::find(known.begin(), known.end(), arg) != known.end()) continue;
      if (auto near = scorec::closest_match(arg, known)) out += "did you mean '" + *near + "' for '" + arg + "'?\n";
    }
    std::string name = cmd == root ? "scorec" : "scorec " + cmd->get_name();
    return out + "Run '" + name + " --help' for usage.\n";
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  check_args.color = run_args.color = color;
  if (*check_cmd) return check(check_args);
  if (*ir_cmd) return ir(ir_args);
  if (*run_cmd) return run(run_args);
  if (*finalize_cmd) return finalize(finalize_args);
  if (*fmt_cmd) return fmt_files(fmt_args);
  if (*compile_cmd) {
    compile_args.color = color;
    return compile_object(compile_args);
  }
  if (*test_cmd) {
    test_args.color = color;
    return test_files(test_args);
  }
  if (*explain_cmd) {
    explain_args.color = color;
    return explain(explain_args);
  }
  if (*report_cmd) {
    report_args.color = color;
    return report(report_args);
  }
  if (*diff_cmd) {
    diff_args.color = color;
    return diff(diff_args);
  }
  return 2;
}
