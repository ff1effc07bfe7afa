// runtime/native/aot_loader.h: a module is accepted only when its magic, ABI version,
// program and function counts all agree. The modules here are built by hand; the
// functions are never called.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <scorec/aot.h>

#include "frontend/compiler.h"
#include "ir/serialize.h"
#include "runtime/native/aot_loader.h"

namespace scorec {
namespace {

void dummy() {}

const char* kRules = R"(
event open { }
score a { on open +1 }
score b { on open +2 }
segment both = a.raw > 0 and b.raw > 0
)";

class AotLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    frontend::SourceManager sources;
    frontend::Diagnostics diags;
    auto p = frontend::compile_string(kRules, "loader.score", sources, diags);
    ASSERT_TRUE(p);
    program = ir::serialize_program(*p);
    fns.assign(4, &dummy);
    m.magic = SCOREC_AOT_MAGIC;
    m.abi_version = native::kAbiVersion;
    m.name = "loader";
    m.scorec_version = "scorec test";
    m.target_cpu = "x86-64";
    m.program = reinterpret_cast<const unsigned char*>(program.data());
    m.program_size = program.size();
    m.update = &dummy;
    m.num_scores = 2;
    m.num_grades = 0;
    m.num_segments = 1;
    m.score_terms = fns.data();
    m.grade_points = nullptr;
    m.segments = fns.data() + 2;
  }

  std::string error() {
    auto r = native::load_aot(m);
    return r ? std::string("(loaded)") : r.error().message;
  }

  std::string program;
  std::vector<scorec_aot_fn> fns;
  scorec_aot_module m{};
};

TEST_F(AotLoader, LoadsAConsistentModule) {
  auto r = native::load_aot(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->program.scores.size(), 2u);
  EXPECT_EQ(r->native->score_terms.size(), 2u);
  EXPECT_EQ(r->native->segments.size(), 1u);
  EXPECT_TRUE(r->native->grade_points.empty());
}

TEST_F(AotLoader, RejectsBadMagic) {
  m.magic = 0x12345678;
  EXPECT_NE(error().find("not a scorec ahead-of-time module"), std::string::npos) << error();
}

TEST_F(AotLoader, RejectsAnotherAbiVersion) {
  m.abi_version = native::kAbiVersion + 1;
  EXPECT_NE(error().find("ABI version"), std::string::npos) << error();
  EXPECT_NE(error().find("'loader'"), std::string::npos) << error();
}

TEST_F(AotLoader, RejectsCountMismatches) {
  m.num_scores = 1;
  EXPECT_NE(error().find("1 score functions but its program has 2 scores"), std::string::npos) << error();
  m.num_scores = 2;
  m.num_segments = 0;
  EXPECT_NE(error().find("segment"), std::string::npos) << error();
  m.num_segments = 1;
  m.num_grades = 1;
  EXPECT_NE(error().find("grade"), std::string::npos) << error();
}

TEST_F(AotLoader, RejectsMissingFunctions) {
  fns[1] = nullptr;
  EXPECT_NE(error().find("score function 1 is missing"), std::string::npos) << error();
  fns[1] = &dummy;
  m.update = nullptr;
  EXPECT_NE(error().find("update function is missing"), std::string::npos) << error();
}

TEST_F(AotLoader, RejectsADamagedProgram) {
  program[program.size() / 2] ^= 0x5a;
  program.resize(program.size() - 1);
  m.program_size = program.size();
  EXPECT_NE(error().find("serialized program"), std::string::npos) << error();
  m.program = nullptr;
  EXPECT_NE(error().find("program is missing"), std::string::npos) << error();
}

}  // namespace
}  // namespace scorec
