// The subcommands. Each returns the process exit code: 0 success, 1 errors in the
// user's rules or data, 2 a usage error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/compiler.h"
#include "frontend/diagnostics.h"
#include "frontend/formatter.h"
#include "frontend/source.h"
#include "ir/program.h"
#include "runtime/engine/driver.h"

namespace scorec::cli {

// The folders --import-path adds to where imports may come from (repeatable; every
// command that compiles rules takes it).
using ImportPaths = std::vector<std::string>;

// A file's whole text; "-" reads standard input. Nothing when it cannot be read.
std::optional<std::string> read_text(const std::string& path);

// The default options with the --import-path folders.
frontend::CompileOptions compile_options(const ImportPaths& import_paths);

// Compiles a rules file; "-" compiles standard input (shown as <stdin>, its imports
// resolved from the --import-path folders and the standard library only).
std::optional<ir::Program> compile_source(const std::string& path, frontend::SourceManager& sources,
                                          frontend::Diagnostics& diags, const frontend::CompileOptions& options);

// compile_source, printing the diagnostics on stderr.
std::optional<ir::Program> compile_rules(const std::string& file, bool color, frontend::Diagnostics& diags,
                                         frontend::SourceManager& sources, const ImportPaths& import_paths);
// Compiles a rules file, leaving its diagnostics in `diags`.
std::optional<ir::Program> compile_quietly(const std::string& file, frontend::Diagnostics& diags,
                                           frontend::SourceManager& sources, const ImportPaths& import_paths);

struct CheckArgs {
  std::vector<std::string> files;
  std::string format = "text";  // text (stderr), json or sarif (stdout)
  bool werror = false;          // warnings fail the check too (exit 1)
  std::vector<std::string> allow;  // warning codes to leave out (--allow W050)
  bool color = false;
  ImportPaths import_paths;
};
int check(const CheckArgs& a);

struct IrArgs {
  std::string file;
  bool llvm = false;
  ImportPaths import_paths;
};
int ir(const IrArgs& a);

// What `run` and `diff` share: the input files, how to read them, and the engine.
struct InputArgs {
  std::string events;
  std::optional<std::string> profiles;
  std::optional<std::string> as_of;
  bool skip_bad = false;
  bool keep_duplicates = false;
  bool no_identity_merge = false;
  std::optional<std::string> mapping;
  std::vector<std::string> maps;
  std::optional<std::string> profile_mapping;
  std::vector<std::string> profile_maps;
  std::string engine = "jit";
  bool no_cache = false;
  bool quiet = false;
  bool color = false;
  ImportPaths import_paths;  // for the rules files
};

struct RunArgs : InputArgs {
  std::string rules;
  std::string format = "csv";
  std::optional<std::string> output;
  bool csv_safe = false;  // guard CSV text cells against formula injection
  bool stream = false;
  bool strict = false;
  unsigned threads = 0;   // 0: every core
  size_t block_bytes = 0;  // 0: the default (a test knob, not in --help)    // input findings (undeclared or absent event types, bad values) are errors
  size_t chunk_events = 1 << 16;
  std::optional<std::string> state_in;
  std::optional<std::string> state_out;
  std::optional<std::string> partition;  // "K/N"
  std::optional<std::string> sort;          // COLUMN[:asc|:desc]
  bool with_as_of = false;
  std::vector<std::string> keep;            // profile attributes as columns
  std::optional<std::string> only_changed;  // a previous output or state
};
int run(const RunArgs& a);

// cli/cmd_finalize.cpp: combine the states of a partitioned run (or finalize one state).
struct FinalizeArgs {
  std::string rules;
  std::vector<std::string> states;
  std::string format = "csv";
  std::optional<std::string> output;
  bool csv_safe = false;
  std::optional<std::string> state_out;
  std::string engine = "jit";
  bool no_cache = false;
  bool quiet = false;
  ImportPaths import_paths;
};
int finalize(const FinalizeArgs& a);
// Writes a result table as CSV or NDJSON to `path` (or standard output); false, after
// saying so, when it cannot.
bool write_table(const runtime::ResultTable& table, const std::string& format, const std::optional<std::string>& path,
                 bool csv_safe = false);

// The input half of RunOptions from the arguments (files, --as-of, mappings,
// --skip-bad). On a usage error it prints it and returns the exit code (2).
std::optional<int> input_options(const InputArgs& a, runtime::RunOptions& o);
// The engine --engine names; prints why and returns null when the JIT cannot compile.
// `label` names the rules file in that message when there are several.
std::unique_ptr<runtime::Engine> make_engine(const ir::Program& program, const InputArgs& a,
                                             const std::string& label = {});
// Scores the input with the engine --engine names. On failure it prints why (and, for
// an error on a line, the --skip-bad hint) and returns nothing.
std::optional<runtime::RunOutput> score_input(const ir::Program& program, const runtime::RunOptions& o,
                                              const InputArgs& a, const std::string& label = {});
// Writes `text` to `path` (standard output when there is none or it is "-"); false,
// after saying so, when it cannot. A file is replaced whole (support/file_io.h), never
// left half-written.
bool write_text(const std::optional<std::string>& path, const std::string& text);

// A file a command reads or writes, with the option that names it ("--events", "-o").
struct NamedPath {
  std::string option;
  std::optional<std::string> path;  // nullopt (or "-"): none, or a standard stream
};
// The input files every command that reads events names (rules excluded).
std::vector<NamedPath> input_paths(const InputArgs& a);
// Refuses outputs that would overwrite an input, or each other: same file by device and
// inode (support/file_io.h), or the same path when it does not exist yet. On a clash it
// prints which and returns the exit code (2, a usage error); nothing has been written.
std::optional<int> refuse_overwriting(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);

// cli/cmd_diff.cpp: score the same input with two rule sets and report what changed.
struct DiffArgs : InputArgs {
  std::string old_rules;
  std::string new_rules;
  std::string format = "text";
  std::optional<std::string> output;
  std::optional<double> max_tier_changes;  // percent: exit 1 when more users change tier
};
int diff(const DiffArgs& a);

// cli/cmd_explain.cpp: the breakdown of every score of one user (runtime/report/explain.h).
struct ExplainArgs : InputArgs {
  std::string rules;
  std::string user;
  std::string format = "text";
  std::optional<std::string> output;
};
int explain(const ExplainArgs& a);

// cli/cmd_report.cpp: one self-contained HTML page about a run (runtime/report/html_report.h).
struct ReportArgs : InputArgs {
  std::string rules;
  std::optional<std::string> baseline;  // an older rules file to compare with
  std::optional<std::string> output;
  size_t bins = 24;  // at most this many histogram bins
};
int report(const ReportArgs& a);

// cli/cmd_test.cpp: run the `test` blocks of rules files (docs/tools.md).
struct TestArgs {
  std::vector<std::string> files;
  std::string engine = "both";  // both (interpreter and JIT), jit or interp
  std::string junit;            // also write the outcomes as JUnit XML here
  bool no_cache = false;
  bool color = false;
  ImportPaths import_paths;
};
int test_files(const TestArgs& a);

// cli/cmd_fmt.cpp: print, check (--check) or rewrite (-w) rules files in the canonical
// layout (docs/tools.md).
struct FmtArgs {
  std::vector<std::string> files;
  bool check = false;
  bool write = false;
  size_t width = frontend::kFormatMaxWidth;
};
int fmt_files(const FmtArgs& a);

// cli/cmd_compile.cpp: compile rules ahead of time to an object and a header (jit/aot.h).
struct CompileArgs {
  std::string rules;
  std::string output;                 // the object file
  std::optional<std::string> header;  // the header declaring its module
  std::optional<std::string> name;    // default: the rules file's stem as a C identifier
  std::string target_cpu;             // empty: this machine's CPU
  bool color = false;
  ImportPaths import_paths;
};
int compile_object(const CompileArgs& a);

}  // namespace scorec::cli
