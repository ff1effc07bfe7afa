// ir/serialize.h: every shipped rule set round-trips exactly, and damaged input (every
// truncation, byte flips, hostile counts and nesting) gives an Error or a consistent
// program, never a crash (the ASan/UBSan build proves the "never").
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "frontend/compiler.h"
#include "ir/printer.h"
#include "ir/serialize.h"
#include "ir/validate.h"

namespace scorec {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> shipped_rules() {
  std::vector<fs::path> out;
  fs::path root = SCOREC_SOURCE_DIR;
  for (auto& dir : fs::directory_iterator(root / "examples"))
    if (dir.is_directory())
      for (auto& f : fs::directory_iterator(dir.path()))
        if (f.path().extension() == ".score") out.push_back(f.path());
  for (auto& f : fs::directory_iterator(root / "stdlib"))
    if (f.path().extension() == ".score") out.push_back(f.path());
  std::sort(out.begin(), out.end());
  return out;
}

ir::Program compile(const fs::path& path) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = frontend::compile_file(path.string(), sources, diags);
  EXPECT_TRUE(program) << path << " does not compile";
  return program ? std::move(*program) : ir::Program{};
}

const ir::Program& campaign() {
  static const ir::Program p = compile(fs::path(SCOREC_SOURCE_DIR) / "examples/campaign/campaign.score");
  return p;
}

// A program that decoded must be one an engine can run: consistent, and printable.
void expect_usable(const Expected<ir::Program>& p) {
  if (!p) {
    EXPECT_FALSE(p.error().message.empty());
    return;
  }
  EXPECT_TRUE(ir::validate_structure(*p).ok());
  (void)ir::print_program(*p);
}

TEST(Serialize, EveryShippedRuleSetRoundTrips) {
  auto files = shipped_rules();
  ASSERT_GE(files.size(), 8u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    ir::Program p = compile(f);
    EXPECT_TRUE(ir::validate_structure(p).ok()) << ir::validate_structure(p).error().message;
    std::string bytes = ir::serialize_program(p);
    auto back = ir::deserialize_program(bytes);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(ir::print_program(*back), ir::print_program(p));
    EXPECT_TRUE(back->tests.empty());
    // Fields the printer leaves out survive too.
    ASSERT_EQ(back->rules.size(), p.rules.size());
    for (size_t i = 0; i < p.rules.size(); ++i) EXPECT_EQ(back->rules[i].where, p.rules[i].where);
    EXPECT_EQ(back->order_dependent, p.order_dependent);
    EXPECT_EQ(back->strings, p.strings);
    // The form is canonical: serializing again gives the same bytes.
    EXPECT_EQ(ir::serialize_program(*back), bytes);
  }
}

TEST(Serialize, EveryTruncationIsAnError) {
  std::string bytes = ir::serialize_program(campaign());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto p = ir::deserialize_program(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(p) << "a prefix of " << n << " of " << bytes.size() << " bytes decoded";
    EXPECT_FALSE(p.error().message.empty());
  }
}

TEST(Serialize, ByteFlipsGiveAnErrorOrAUsableProgram) {
  std::string bytes = ir::serialize_program(campaign());
  // Every position, with values that hit enum limits, sign bits and varint continuations.
  for (size_t i = 0; i < bytes.size(); ++i)
    for (unsigned char v : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(v);
      expect_usable(ir::deserialize_program(damaged));
    }
  // And a cheap deterministic generator for multi-byte damage.
  uint64_t x = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string damaged = bytes;
    for (int k = 0; k < 4; ++k) damaged[next() % damaged.size()] = static_cast<char>(next());
    expect_usable(ir::deserialize_program(damaged));
  }
}

TEST(Serialize, RejectsBadMagicVersionAndTrailingBytes) {
  std::string bytes = ir::serialize_program(campaign());
  auto err = [](std::string b) {
    auto p = ir::deserialize_program(b);
    return p ? std::string("(decoded)") : p.error().message;
  };
  EXPECT_NE(err("").find("bad magic"), std::string::npos);
  EXPECT_NE(err("SCIX" + bytes.substr(4)).find("bad magic"), std::string::npos);
  std::string v2 = bytes;
  v2[4] = static_cast<char>(ir::kSerializeFormatVersion + 1);
  EXPECT_NE(err(v2).find("format version"), std::string::npos) << err(v2);
  EXPECT_NE(err(bytes + "x").find("unexpected bytes at the end"), std::string::npos);
}

// A header, an empty schema and one segment whose condition is `depth` nested Nots.
std::string nested_segment(int depth) {
  ir::Program p;
  p.segments.push_back({"deep", {}});
  ir::Expr* e = &p.segments[0].cond;
  for (int i = 0; i < depth - 1; ++i) {
    e->op = ir::Op::Not;
    e->type = ir::Type::Bool;
    e->args.resize(1);
    e = &e->args[0];
  }
  e->op = ir::Op::Const;
  e->type = ir::Type::Bool;
  e->valid = true;
  return ir::serialize_program(p);
}

TEST(Serialize, DepthLimit) {
  EXPECT_TRUE(ir::deserialize_program(nested_segment(ir::kMaxSerializedExprDepth)));
  auto deep = ir::deserialize_program(nested_segment(ir::kMaxSerializedExprDepth + 1));
  ASSERT_FALSE(deep);
  EXPECT_NE(deep.error().message.find("nested deeper than 1000"), std::string::npos) << deep.error().message;
}

TEST(Serialize, HugeCountsAreRefusedBeforeAllocating) {
  // Magic, version, then a string count of 2^62 with nothing behind it.
  std::string b = ir::serialize_program(ir::Program{}).substr(0, 8);
  b += '\x00';  // no events
  b += '\x00';  // no profile attributes
  b += '\x00';  // num_columns 0
  for (int i = 0; i < 8; ++i) b += '\xff';
  b += '\x3f';
  auto p = ir::deserialize_program(b);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("items announced"), std::string::npos) << p.error().message;
}

TEST(Serialize, InconsistentIndicesAreRefused) {
  ir::Program p = campaign();
  ASSERT_FALSE(p.rules.empty());
  p.rules[0].score = 99;
  auto back = ir::deserialize_program(ir::serialize_program(p));
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("score 99 out of range"), std::string::npos) << back.error().message;
}

// Found by fuzz_aot: a run interns the strings and takes their indices as ids, so a
// repeated string left tier-name ids past the end of the run's pool (a wild read).
TEST(Serialize, RepeatedStringsAreRefused) {
  ir::Program p = campaign();
  ASSERT_GE(p.strings.size(), 2u);
  p.strings.push_back(p.strings[0]);
  auto back = ir::deserialize_program(ir::serialize_program(p));
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find("is repeated"), std::string::npos) << back.error().message;
}

}  // namespace
}  // namespace scorec
