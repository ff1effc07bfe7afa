// The compiled-code cache: a second compile of the same rules loads the object from
// disk; a corrupt, truncated or foreign entry is detected and rebuilt, and the code
// from the cache scores exactly like freshly compiled code.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "frontend/compiler.h"
#include "jit/jit_compiler.h"
#include "jit/object_cache.h"

namespace fs = std::filesystem;
using namespace scorec;

namespace {

ir::Program compile_rules(const std::string& text) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto p = frontend::compile_string(text, "rules.score", sources, diags);
  EXPECT_TRUE(p.has_value());
  return std::move(*p);
}

const char* kRules = R"(
event purchase { amount: number }
profile { plan: string }
score spend {
  decay half_life 30d
  on purchase + amount cap 100 per 7d
  when plan == "paid" +5
}
)";

class JitCache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("scorec-jit-cache-test-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    options.cache_dir = dir.string();
  }
  void TearDown() override { fs::remove_all(dir); }

  std::vector<fs::path> entries() const {
    std::vector<fs::path> out;
    if (fs::exists(dir))
      for (auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
    return out;
  }

  // Runs the compiled per-user terms for a paid user with no state: 5.
  static double terms_of(jit::CompiledRules& c) {
    double state[8] = {0};
    const double plan_values[1] = {0};  // string id 0 = "paid" in the program's pool? see below
    const uint8_t plan_valid[1] = {1};
    const double* pv[] = {plan_values};
    const uint8_t* pvl[] = {plan_valid};
    uint64_t counters[3] = {0, 0, 0};
    uint64_t by_rule[4] = {0};
    native::RunView rv{0, state, 3, pv, pvl, 1, counters, by_rule, nullptr};
    return c.fns.score_terms[0](0, &rv);
  }

  fs::path dir;
  jit::JitOptions options;
};

TEST_F(JitCache, SecondCompileComesFromTheCache) {
  auto program = compile_rules(kRules);
  auto first = jit::compile(program, options);
  ASSERT_TRUE(first.ok()) << first.error().str();
  EXPECT_FALSE((*first)->from_cache);
  ASSERT_EQ(entries().size(), 1u);
  auto second = jit::compile(program, options);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)->from_cache);
  EXPECT_EQ(terms_of(**first), terms_of(**second));
  EXPECT_EQ(terms_of(**second), 5.0);
}

TEST_F(JitCache, NoCacheNeitherReadsNorWrites) {
  auto program = compile_rules(kRules);
  options.use_cache = false;
  auto c = jit::compile(program, options);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE((*c)->from_cache);
  EXPECT_TRUE(entries().empty());
}

TEST_F(JitCache, CorruptEntryIsRebuilt) {
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  ASSERT_EQ(entries().size(), 1u);
  fs::path entry = entries()[0];
  {
    std::fstream f(entry, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-20, std::ios::end);  // inside the object code
    f.put('\x5a');
    f.put('\xa5');
  }
  auto again = jit::compile(program, options);
  ASSERT_TRUE(again.ok()) << again.error().str();
  EXPECT_FALSE((*again)->from_cache);
  EXPECT_EQ(terms_of(**again), 5.0);
  auto third = jit::compile(program, options);  // the rebuilt entry is good again
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE((*third)->from_cache);
}

TEST_F(JitCache, TruncatedEntryIsRebuilt) {
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  fs::path entry = entries()[0];
  fs::resize_file(entry, fs::file_size(entry) / 2);
  auto again = jit::compile(program, options);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)->from_cache);
}

TEST_F(JitCache, EntryForOtherRulesIsNeverUsed) {
  // Put the entry of rule set A where rule set B's entry belongs: the key stored in the
  // entry does not match, so B is compiled afresh.
  auto a = compile_rules(kRules);
  std::string b_text = kRules;
  b_text.replace(b_text.find("+5"), 2, "+7");
  auto b = compile_rules(b_text);
  ASSERT_TRUE(jit::compile(a, options).ok());
  fs::path a_entry = entries()[0];
  ASSERT_TRUE(jit::compile(b, options).ok());
  ASSERT_EQ(entries().size(), 2u);
  fs::path b_entry = entries()[0] == a_entry ? entries()[1] : entries()[0];
  fs::copy_file(a_entry, b_entry, fs::copy_options::overwrite_existing);
  auto again = jit::compile(b, options);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)->from_cache);
  EXPECT_EQ(terms_of(**again), 7.0);
}

TEST(JitIr, OptimizedLlvmIrHasTheEntryPoints) {
  auto program = compile_rules(kRules);
  auto text = jit::optimized_llvm_ir(program);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("define void @scorec_update"), std::string::npos);
  EXPECT_NE(text->find("define double @scorec_score_terms_0"), std::string::npos);
}

}  // namespace
