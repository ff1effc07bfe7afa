// The compiled-code cache: a second compile of the same rules loads the object from
// disk; a corrupt, truncated or foreign entry is detected and rebuilt, and the code
// from the cache scores exactly like freshly compiled code. The cache folder is
// private: a folder others can write is not used, nothing in it is followed through a
// symlink, and whatever is at an entry's path only costs a recompile.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

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

  // The key an entry was stored under: it follows the magic and its length.
  static std::string key_of(const fs::path& entry) {
    std::string data = read_all(entry);
    uint64_t len = 0;
    std::memcpy(&len, data.data() + 8, sizeof len);
    return data.substr(16, len);
  }
  static std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void write_all(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }
  static unsigned mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  }

  fs::path dir;
  jit::JitOptions options;
};

// A file outside the cache folder that a planted symlink points at.
class JitCacheVictim : public JitCache {
 protected:
  void SetUp() override {
    JitCache::SetUp();
    victim = dir.string() + "-victim";
    write_all(victim, "precious\n");
  }
  void TearDown() override {
    fs::remove(victim);
    JitCache::TearDown();
  }
  fs::path victim;
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
  EXPECT_EQ((*second)->cache_warning, "");
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

TEST_F(JitCache, FolderAndEntriesArePrivate) {
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  ASSERT_EQ(entries().size(), 1u);
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(entries()[0]), 0600u);
}

TEST_F(JitCacheVictim, SymlinkAtAFormerTemporaryNameIsNotFollowed) {
  // Earlier versions wrote `<entry>.tmp.<pid>` through the symlink found there.
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  fs::path entry = entries()[0];
  fs::remove(entry);
  fs::create_symlink(victim, entry.string() + ".tmp." + std::to_string(::getpid()));
  auto again = jit::compile(program, options);
  ASSERT_TRUE(again.ok()) << again.error().str();
  EXPECT_EQ(terms_of(**again), 5.0);
  EXPECT_TRUE(read_all(victim) == "precious\n") << "the victim file was overwritten";
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(entry)));
  auto third = jit::compile(program, options);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE((*third)->from_cache);
}

TEST_F(JitCacheVictim, SymlinkAtTheEntryPathIsNeitherReadNorWrittenThrough) {
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  fs::path entry = entries()[0];
  fs::copy_file(entry, victim, fs::copy_options::overwrite_existing);  // a valid entry, elsewhere
  std::string before = read_all(victim);
  fs::remove(entry);
  fs::create_symlink(victim, entry);
  auto again = jit::compile(program, options);
  ASSERT_TRUE(again.ok()) << again.error().str();
  EXPECT_FALSE((*again)->from_cache);
  EXPECT_EQ(terms_of(**again), 5.0);
  EXPECT_TRUE(read_all(victim) == before) << "the victim file was overwritten";
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(entry)));  // the link was replaced, not followed
}

TEST_F(JitCache, DirectoryAtTheEntryPathOnlyCostsARecompile) {
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  fs::path entry = entries()[0];
  fs::remove(entry);
  fs::create_directory(entry);
  for (int i = 0; i < 2; ++i) {
    auto again = jit::compile(program, options);
    ASSERT_TRUE(again.ok()) << again.error().str();
    EXPECT_FALSE((*again)->from_cache);
    EXPECT_EQ(terms_of(**again), 5.0);
  }
  EXPECT_TRUE(fs::is_directory(entry));  // left alone
  EXPECT_EQ(entries().size(), 1u);       // and no temporary file left behind
}

TEST_F(JitCache, FolderWritableByOthersIsNotUsed) {
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  fs::path entry = entries()[0];
  fs::permissions(dir, fs::perms::all);  // 0777: anyone could have planted this entry
  auto again = jit::compile(program, options);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)->from_cache);
  EXPECT_EQ((*again)->cache_warning, "compiled-code cache disabled: '" + dir.string() +
                                         "' is writable by other users (mode 0777); run 'chmod 700 " + dir.string() +
                                         "' to use it");
  EXPECT_EQ(terms_of(**again), 5.0);
  fs::remove(entry);
  ASSERT_TRUE(jit::compile(program, options).ok());
  EXPECT_TRUE(entries().empty());  // nor written
}

TEST_F(JitCache, FolderOfAnotherUserIsNotUsed) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the folder away";
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  ASSERT_EQ(::chown(dir.c_str(), 65534, 65534), 0);
  auto again = jit::compile(program, options);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)->from_cache);
  EXPECT_NE((*again)->cache_warning.find("belongs to uid 65534, not to you (uid 0)"), std::string::npos)
      << (*again)->cache_warning;
}

TEST_F(JitCache, EntryOfAnotherUserIsNotUsed) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the entry away";
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  fs::path entry = entries()[0];
  ASSERT_EQ(::chown(entry.c_str(), 65534, 65534), 0);
  auto again = jit::compile(program, options);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)->from_cache);
  auto third = jit::compile(program, options);  // the rebuilt entry is ours
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE((*third)->from_cache);
}

// Sets environment variables for one test and puts them back afterwards.
class ScopedEnv {
 public:
  void set(const char* name, const char* value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    for (auto& [name, value] : saved_) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(JitCache, WithoutAHomeThereIsNoCache) {
  // No shared folder under $TMPDIR: whoever else can write there would choose the code.
  fs::create_directory(dir);
  ScopedEnv env;
  env.set("SCOREC_CACHE_DIR", nullptr);
  env.set("XDG_CACHE_HOME", nullptr);
  env.set("HOME", nullptr);
  env.set("TMPDIR", dir.c_str());
  options.cache_dir.clear();
  auto program = compile_rules(kRules);
  for (int i = 0; i < 2; ++i) {
    auto c = jit::compile(program, options);
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE((*c)->from_cache);
    EXPECT_EQ((*c)->cache_warning, "");  // a documented choice, not something to fix
    EXPECT_EQ(terms_of(**c), 5.0);
  }
  EXPECT_TRUE(entries().empty());
}

TEST_F(JitCache, DefaultFolderUnderHomeIsCreatedPrivate) {
  ScopedEnv env;
  env.set("SCOREC_CACHE_DIR", nullptr);
  env.set("XDG_CACHE_HOME", nullptr);
  env.set("HOME", dir.c_str());  // does not exist yet
  options.cache_dir.clear();
  auto program = compile_rules(kRules);
  ASSERT_TRUE(jit::compile(program, options).ok());
  auto second = jit::compile(program, options);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE((*second)->from_cache);
  EXPECT_EQ(mode_of(dir / ".cache"), 0700u);
  EXPECT_EQ(mode_of(dir / ".cache" / "scorec"), 0700u);
}

TEST_F(JitCache, ForgedEntryInAPrivateFolderIsTrustedAndNowhereElse) {
  // The trust boundary (docs/security.md): an entry is bound to its key by a checksum of
  // both, but whoever can write the folder can compute that checksum, so the cache
  // trusts its folder's writers; it only uses a folder that no one else can write.
  auto a = compile_rules(kRules);
  std::string b_text = kRules;
  b_text.replace(b_text.find("+5"), 2, "+7");
  auto b = compile_rules(b_text);
  ASSERT_TRUE(jit::compile(a, options).ok());
  fs::path a_entry = entries()[0];
  ASSERT_TRUE(jit::compile(b, options).ok());
  fs::path b_entry = entries()[0] == a_entry ? entries()[1] : entries()[0];
  std::string a_key = key_of(a_entry), b_key = key_of(b_entry);
  {
    jit::ObjectCache cache(dir.string());
    auto a_object = cache.load(a_key);
    ASSERT_TRUE(a_object.has_value());
    cache.store(b_key, *a_object);  // the forgery: A's code under B's key
  }
  auto forged = jit::compile(b, options);
  ASSERT_TRUE(forged.ok());
  EXPECT_TRUE((*forged)->from_cache);
  EXPECT_EQ(terms_of(**forged), 5.0);  // A's terms: the folder's writer decides
  fs::permissions(dir, fs::perms::group_write, fs::perm_options::add);
  auto refused = jit::compile(b, options);
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE((*refused)->from_cache);
  EXPECT_EQ(terms_of(**refused), 7.0);
}

TEST(JitIr, OptimizedLlvmIrHasTheEntryPoints) {
  auto program = compile_rules(kRules);
  auto text = jit::optimized_llvm_ir(program);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("define void @scorec_update"), std::string::npos);
  EXPECT_NE(text->find("define double @scorec_score_terms_0"), std::string::npos);
}

}  // namespace
