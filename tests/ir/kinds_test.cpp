// The registry of builtins and the kinds' facts tables agree with their enums, one
// entry per enumerator in enumerator order; the validator requires what the facts say
// an engine reads.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "frontend/compiler.h"
#include "ir/kinds.h"
#include "ir/program.h"
#include "ir/semantics.h"
#include "ir/validate.h"
#include "stdlib/builtins.h"

namespace scorec {
namespace {

// builtins::info(id) indexes the registry by the enum: entry i must be enumerator i.
TEST(BuiltinRegistry, MatchesItsEnumOneForOne) {
  const auto& all = builtins::all();
  ASSERT_EQ(all.size(), static_cast<size_t>(builtins::Id::Count_)) << "one registry entry per builtins::Id";
  for (size_t i = 0; i < all.size(); ++i) {
    const auto id = static_cast<builtins::Id>(i);
    SCOPED_TRACE("registry entry " + std::to_string(i) + " (" + std::string(all[i].name) + ")");
    EXPECT_EQ(all[i].id, id) << "the entry at this index is another enumerator's";
    EXPECT_EQ(&builtins::info(id), &all[i]);
    EXPECT_FALSE(all[i].name.empty());
    EXPECT_FALSE(all[i].signatures.empty());
    EXPECT_NE(all[i].impl, nullptr);
    EXPECT_FALSE(all[i].help.empty());
    // find() returns the first entry of a name; entries sharing it (len) are overloads.
    const builtins::Info* first = builtins::find(all[i].name);
    ASSERT_NE(first, nullptr);
    EXPECT_LE(first, &all[i]);
  }
}

TEST(Kinds, NamesAreDistinctAndFindTheirKind) {
  std::set<std::string_view> aggs, decays;
  for (uint8_t k = 0; k < ir::kAggKindCount; ++k) {
    auto kind = static_cast<ir::AggKind>(k);
    EXPECT_TRUE(aggs.insert(ir::agg_info(kind).name).second);
    EXPECT_EQ(ir::agg_named(ir::agg_info(kind).name), kind);
  }
  for (uint8_t k = 0; k < ir::kDecayKindCount; ++k) {
    auto kind = static_cast<ir::DecayKind>(k);
    EXPECT_TRUE(decays.insert(ir::decay_info(kind).name).second);
    EXPECT_EQ(ir::decay_named(ir::decay_info(kind).name), kind);
  }
  EXPECT_EQ(ir::agg_named("median"), std::nullopt);
  EXPECT_EQ(ir::decay_named("exponential"), std::nullopt);
  // One past the last enumerator is no kind: the counts the serializer checks stop there.
  EXPECT_TRUE(ir::agg_info(static_cast<ir::AggKind>(ir::kAggKindCount)).name.empty());
  EXPECT_TRUE(ir::decay_info(static_cast<ir::DecayKind>(ir::kDecayKindCount)).name.empty());
  EXPECT_TRUE(ir::update_info(static_cast<ir::UpdateKind>(ir::kUpdateKindCount)).name.empty());
  EXPECT_EQ(ir::op_arity(static_cast<ir::Op>(ir::kOpCount)), ir::Arity::Unknown);
}

// A decay that re-bases by a factor must be one whose factors multiply: decaying by a
// then by b is decaying by a + b (the saved state relies on it, runtime/state).
TEST(Kinds, FactorDecaysCompose) {
  for (uint8_t k = 0; k < ir::kDecayKindCount; ++k) {
    auto kind = static_cast<ir::DecayKind>(k);
    if (ir::decay_info(kind).rebase != ir::Rebase::Factor) continue;
    EXPECT_EQ(ir::decay_factor(kind, 10, 10) * ir::decay_factor(kind, 10, 20), ir::decay_factor(kind, 10, 30));
  }
}

ir::Program compile(const std::string& text) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto p = frontend::compile_string(text, "t.score", sources, diags);
  EXPECT_TRUE(p) << "does not compile";
  return p ? std::move(*p) : ir::Program{};
}

// The engines read an average's count slot (AggRead::Mean), min/max/first/last's too
// (ValueIfAny): a program without one would read outside the user's state.
TEST(Validate, AnAggregateThatReadsACountNeedsOne) {
  for (const char* cond : {"avg(buy.amount) > 1", "min(buy.amount) > 1", "first(buy) < 2024-01-01"}) {
    SCOPED_TRACE(cond);
    ir::Program p = compile(std::string("event buy { amount: number }\nsegment s = ") + cond + "\n");
    ASSERT_EQ(p.segments.size(), 1u);
    ir::Expr& read = p.segments[0].cond.args.at(0);
    ASSERT_EQ(read.op, ir::Op::AggRead);
    EXPECT_TRUE(ir::validate_structure(p).ok());
    read.index2 = -1;
    auto st = ir::validate_structure(p);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("count slot -1 out of range"), std::string::npos) << st.error().message;
  }
  // sum() reads no count: none is fine.
  ir::Program p = compile("event buy { amount: number }\nsegment s = sum(buy.amount) > 1\n");
  EXPECT_EQ(p.segments.at(0).cond.args.at(0).index2, -1);
  EXPECT_TRUE(ir::validate_structure(p).ok());
}

}  // namespace
}  // namespace scorec
