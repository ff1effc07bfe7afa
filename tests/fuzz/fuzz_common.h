// Shared by the libFuzzer targets (tests/fuzz/README.md): the fixed rule sets they
// score with, a per-process scratch folder, and a check that stops the run with a
// message (libFuzzer then saves the input as a crash).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ir/program.h"

namespace scorec::fuzz {

// The source tree (rule files, `import "stdlib/..."`).
std::string source_dir();

// A file name in this process's own scratch folder (created on first use, under
// $TMPDIR or /tmp), so targets that need files never collide with each other.
std::string scratch_path(const std::string& name);

void write_file(const std::string& path, std::string_view bytes);

// Compiles a rule file of tests/fuzz/ (e.g. "schema.score"); aborts when it does not
// compile (a broken fuzz setup, not a finding).
const ir::Program& fixed_program(const std::string& file_name);

// Stops the process with `what` on stderr when `ok` is false: a finding.
void check(bool ok, const std::string& what);

// SCOREC_FUZZ_SEEDS=DIR asks a target's LLVMFuzzerInitialize to write the seeds it
// generates (serialized programs, state payloads, ...) into DIR and exit: tools/fuzz.sh
// builds the corpora this way. The folder, or empty when not asked.
std::string seed_dir();

}  // namespace scorec::fuzz
