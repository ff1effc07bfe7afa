// scorec: check, run and inspect scoring rules. A thin layer over the library; it
// only parses arguments and turns results into messages and exit codes.
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace {

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
  cmd->add_option("--as-of", a.as_of, "Score as of this instant (default: the latest event's time)");
  cmd->add_flag("--skip-bad", a.skip_bad, "Skip malformed lines (counted in the summary) instead of stopping");
  cmd->add_option("--mapping", a.mapping, "Field mapping file for the events (key = value lines)")->check(CLI::ExistingFile);
  cmd->add_option("--map", a.maps,
                  "Field mapping for the events, KEY=VALUE (repeatable): user=, event=, event_name=, time=, "
                  "time_format=, prop.NAME=, alias.EVENT=");
  cmd->add_option("--profile-mapping", a.profile_mapping, "Field mapping file for the profiles")->check(CLI::ExistingFile);
  cmd->add_option("--profile-map", a.profile_maps, "Field mapping for the profiles, KEY=VALUE (repeatable): user=, attr.NAME=");
  cmd->add_option("--engine", a.engine, "jit: native code compiled by LLVM (default); interp: the reference interpreter")
      ->check(CLI::IsMember({"jit", "interp"}));
  cmd->add_flag("--no-cache", a.no_cache, "Compile the rules afresh instead of using the compiled-code cache");
  cmd->add_flag("--quiet,-q", a.quiet, "Do not print the run summary on stderr");
  add_import_path(cmd, a.import_paths);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace scorec::cli;
  CLI::App app{"scorec: a rules language and compiler for engagement and lead scoring"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "scorec 0.1.0");
  bool color = isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");

  CheckArgs check_args;
  auto* check_cmd = app.add_subcommand("check", "Check rules files and report every error (exit 0 clean, 1 errors)");
  check_cmd->add_option("files", check_args.files, "Rules files")->required()->check(CLI::ExistingFile);
  check_cmd->add_option("--format,-f", check_args.format, "text (on stderr, default), json or sarif (on stdout)")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  check_cmd->add_flag("--werror", check_args.werror, "Treat warnings as errors: exit 1 when there are any");
  add_import_path(check_cmd, check_args.import_paths);

  IrArgs ir_args;
  auto* ir_cmd = app.add_subcommand("ir", "Print the compiled IR of a rules file");
  ir_cmd->add_option("file", ir_args.file, "Rules file")->required()->check(CLI::ExistingFile);
  ir_cmd->add_flag("--llvm", ir_args.llvm, "Print the optimized LLVM IR the JIT compiles instead");
  add_import_path(ir_cmd, ir_args.import_paths);

  RunArgs run_args;
  auto* run_cmd = app.add_subcommand("run", "Score users from event (and profile) files");
  run_cmd->add_option("rules", run_args.rules, "Rules file")->required()->check(CLI::ExistingFile);
  add_input_options(run_cmd, run_args, true);
  run_cmd->add_option("--format,-f", run_args.format, "Output format")->check(CLI::IsMember({"csv", "ndjson"}));
  run_cmd->add_option("--output,-o", run_args.output, "Output file (default: standard output)");
  run_cmd->add_flag("--stream", run_args.stream, "Read the events twice in chunks, in memory bounded by the number of users");
  run_cmd->add_option("--chunk-events", run_args.chunk_events, "Events per chunk when reading (default 65536)")->check(CLI::Range(1, 1 << 26));
  run_cmd->add_option("--state-in", run_args.state_in, "Continue from this state file (saved with --state-out)")->check(CLI::ExistingFile);
  run_cmd->add_option("--state-out", run_args.state_out, "Save every user's state here, to continue with new events later");
  run_cmd->add_option("--partition", run_args.partition, "K/N: score only the users whose id hashes to K of N (see scorec finalize)");

  FinalizeArgs finalize_args;
  auto* finalize_cmd = app.add_subcommand("finalize", "Combine the states of a partitioned run into the result of one run over everything");
  finalize_cmd->add_option("rules", finalize_args.rules, "Rules file")->required()->check(CLI::ExistingFile);
  finalize_cmd->add_option("states", finalize_args.states, "The state files of every partition (--state-out of each run)")->required()->check(CLI::ExistingFile);
  finalize_cmd->add_option("--format,-f", finalize_args.format, "Output format")->check(CLI::IsMember({"csv", "ndjson"}));
  finalize_cmd->add_option("--output,-o", finalize_args.output, "Output file (default: standard output)");
  finalize_cmd->add_option("--state-out", finalize_args.state_out, "Also save the combined state here");
  finalize_cmd->add_option("--engine", finalize_args.engine, "jit (default) or interp")->check(CLI::IsMember({"jit", "interp"}));
  finalize_cmd->add_flag("--no-cache", finalize_args.no_cache, "Compile the rules afresh instead of using the compiled-code cache");
  finalize_cmd->add_flag("--quiet,-q", finalize_args.quiet, "Do not print the summary on stderr");
  add_import_path(finalize_cmd, finalize_args.import_paths);

  DiffArgs diff_args;
  auto* diff_cmd = app.add_subcommand("diff", "Score the same input with two versions of the rules and report what changed");
  diff_cmd->add_option("old", diff_args.old_rules, "Rules file before the change")->required()->check(CLI::ExistingFile);
  diff_cmd->add_option("new", diff_args.new_rules, "Rules file after the change")->required()->check(CLI::ExistingFile);
  add_input_options(diff_cmd, diff_args, false);
  diff_cmd->add_option("--format,-f", diff_args.format, "text (Markdown tables) or json")->check(CLI::IsMember({"text", "json"}));
  diff_cmd->add_option("--output,-o", diff_args.output, "Output file (default: standard output)");

  ExplainArgs explain_args;
  auto* explain_cmd = app.add_subcommand("explain", "Show how each score of one user is computed, line by line");
  explain_cmd->add_option("rules", explain_args.rules, "Rules file")->required()->check(CLI::ExistingFile);
  add_input_options(explain_cmd, explain_args, false);
  explain_cmd->add_option("--user,-u", explain_args.user, "The user id to explain")->required();
  explain_cmd->add_option("--format,-f", explain_args.format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  explain_cmd->add_option("--output,-o", explain_args.output, "Output file (default: standard output)");

  FmtArgs fmt_args;
  auto* fmt_cmd = app.add_subcommand("fmt", "Format rules files in the canonical layout (print, --check or -w)");
  fmt_cmd->add_option("files", fmt_args.files, "Rules files; - for standard input")->required();
  fmt_cmd->add_flag("--check", fmt_args.check, "Print a diff for each file that is not formatted; exit 1 if any");
  fmt_cmd->add_flag("-w,--write", fmt_args.write, "Rewrite the files that are not formatted, in place");

  TestArgs test_args;
  auto* test_cmd = app.add_subcommand("test", "Run the test blocks of rules files (exit 0 all pass, 1 a failure or an error)");
  test_cmd->add_option("files", test_args.files, "Rules files")->required()->check(CLI::ExistingFile);
  test_cmd->add_option("--engine", test_args.engine, "both (default: the interpreter and the JIT), jit or interp")
      ->check(CLI::IsMember({"both", "jit", "interp"}));
  test_cmd->add_flag("--no-cache", test_args.no_cache, "Compile the rules afresh instead of using the compiled-code cache");
  add_import_path(test_cmd, test_args.import_paths);

  CompileArgs compile_args;
  auto* compile_cmd = app.add_subcommand(
      "compile", "Compile rules ahead of time to an object file (and a header) that links without LLVM");
  compile_cmd->add_option("rules", compile_args.rules, "Rules file")->required()->check(CLI::ExistingFile);
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
      "Link the object with the scorec runtime library (scorec_native) and load its module with "
      "scorec::Rules::from_aot.\nExample: scorec compile leads.score -o leads.o --header leads.h");

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
    std::cerr << "Run 'scorec --help' or 'scorec COMMAND --help' for usage.\n";
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
  if (*diff_cmd) {
    diff_args.color = color;
    return diff(diff_args);
  }
  return 2;
}
