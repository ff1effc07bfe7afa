// Ahead-of-time modules (runtime/native/aot_loader.h) whose program bytes are anything:
// ir::deserialize_program and the loader's checks refuse them with an error or accept
// them, never crash. A program that is accepted must serialize and read back to the
// same bytes, and must run: the readers, the driver and the finalizer (scales, tiers,
// letters) use it as they would with the module's compiled code, which is replaced by
// an engine that adds nothing (the compiled functions belong to the same trusted
// object as the program and are not what is fuzzed here).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <scorec/aot.h>

#include "frontend/compiler.h"
#include "ir/serialize.h"
#include "runtime/engine/driver.h"
#include "runtime/native/abi.h"
#include "runtime/native/aot_loader.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

namespace rt = scorec::runtime;

void never_called() {}

// Stands in for the module's compiled code.
class NoEngine : public rt::Engine {
 public:
  void update(const rt::EventBatch&, std::span<const uint32_t>, rt::RunState&) override {}
  double score_terms(int, uint32_t, rt::RunState&) override { return 0; }
  double grade_points(int, uint32_t, rt::RunState&) override { return 0; }
  bool segment(int, uint32_t, const rt::UserOutputs&, rt::RunState&) override { return false; }
  std::unique_ptr<rt::Engine> clone() const override { return std::make_unique<NoEngine>(); }
};

const char* const kEvents =
    "user_id,event,timestamp,n1,s1,amount,campaign,page,seconds\n"
    "u1,open,2024-02-01T10:00:00Z,1,a,,,,\n"
    "u1,purchase,2024-02-02T10:00:00Z,,,20,,,\n"
    "u2,email_open,2024-02-03T10:00:00Z,,,,spring,,\n"
    "u2,site_visit,2024-02-04T10:00:00Z,,,,,/pricing,30\n"
    "u3,mystery,2024-02-05T10:00:00Z,,,,,,\n";

// Seeds: the serialized programs of the shipped rule files.
void write_seeds(const std::string& dir) {
  const std::string root = scorec::fuzz::source_dir();
  const char* files[] = {"examples/b2b/b2b.score", "examples/campaign/campaign.score",
                         "examples/content_journey/content_journey.score", "examples/rfm/rfm.score",
                         "examples/real_data/retail.score", "examples/real_data/rees46.score",
                         "tests/golden/ir/aggregates_segments.score", "tests/golden/ir/caps_limits_decay.score",
                         "tests/golden/ir/grades_constants_imports.score", "tests/fuzz/schema.score"};
  int n = 0;
  for (const char* f : files) {
    scorec::frontend::SourceManager sources;
    scorec::frontend::Diagnostics diags;
    auto p = scorec::frontend::compile_file(root + "/" + f, sources, diags);
    scorec::fuzz::check(static_cast<bool>(p), std::string("fuzz setup: ") + f + " does not compile");
    scorec::fuzz::write_file(dir + "/program_" + std::to_string(++n), scorec::ir::serialize_program(*p));
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
  static const std::string events = [] {
    std::string path = scorec::fuzz::scratch_path("events.csv");
    scorec::fuzz::write_file(path, kEvents);
    return path;
  }();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // A module around the bytes whose function counts match what the bytes hold (when
  // they hold a program), so the loader's later checks are reached too.
  auto program = scorec::ir::deserialize_program(bytes);
  size_t scores = program ? program->scores.size() : 1, grades = program ? program->grades.size() : 0,
         segments = program ? program->segments.size() : 0;
  std::vector<scorec_aot_fn> fns(scores + grades + segments + 1, &never_called);
  scorec_aot_module m{};
  m.magic = SCOREC_AOT_MAGIC;
  m.abi_version = scorec::native::kAbiVersion;
  m.name = "fuzz";
  m.scorec_version = "fuzz";
  m.target_cpu = "x86-64";
  m.program = data;
  m.program_size = size;
  m.update = &never_called;
  m.num_scores = scores;
  m.num_grades = grades;
  m.num_segments = segments;
  m.score_terms = fns.data();
  m.grade_points = fns.data() + scores;
  m.segments = fns.data() + scores + grades;
  auto loaded = scorec::native::load_aot(m);
  scorec::fuzz::check(static_cast<bool>(loaded) == static_cast<bool>(program),
                      "load_aot and deserialize_program disagree on the same bytes");
  if (!loaded) return 0;

  std::string again = scorec::ir::serialize_program(loaded->program);
  auto back = scorec::ir::deserialize_program(again);
  scorec::fuzz::check(static_cast<bool>(back), "a program that was read does not read back after serializing: " +
                                                   (back ? "" : back.error().str()));
  scorec::fuzz::check(scorec::ir::serialize_program(*back) == again, "serialize(deserialize(x)) is not stable");

  rt::RunOptions o;
  o.events_path = events;
  o.skip_bad = true;
  NoEngine engine;
  (void)rt::run_rules(loaded->program, o, engine);
  return 0;
}
