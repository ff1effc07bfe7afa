// The IR of a compiled rule set: the contract between the compiler and the engines.
// The interpreter (runtime/engine) defines its semantics; the JIT compiles the same
// structures. It is lowered and typed: every name is resolved to a column, a profile
// attribute, a state slot or a constant; constants are folded; durations are seconds
// and timestamps epoch seconds.
//
// A run has three phases:
//   1. per-event update: for each event (in timestamp order per user, ties in input
//      order) with ts <= T, the AggUpdates and EventRules of its event type update the
//      user's state slots;
//   2. per-user raw scores: raw = state[raw_slot] + the score's per-user terms;
//   3. finalize: scaling (percentile needs every user's raw score), tiers, grades and
//      segments.
// Per-user state is a flat array of doubles whose layout (StateLayout) the compiler
// chose; a score with no caps or aggregates needs one slot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ir/kinds.h"
#include "ir/schema.h"
#include "ir/test_case.h"
#include "ir/types.h"
#include "stdlib/builtins.h"

namespace scorec::ir {

enum class Op : uint8_t {
  // Leaves.
  Const,        // value, valid (null when !valid). Strings: value = id in Program::strings.
  EventProp,    // index = batch column
  ProfileAttr,  // index = profile attribute
  AggRead,      // aggregate; agg, index = value slot, index2 = count slot
  AsOf,         // the run's as-of instant T
  ScoreRaw,     // index = score (finalize only)
  ScoreValue,   // index = score: scaled value if the score scales, else raw (finalize only)
  ScoreTier,    // index = score: tier name as a string id (finalize only)
  GradePoints,  // index = grade
  GradeLetter,  // index = grade: letter as a string id
  SegmentRef,   // index = segment
  // Operators (args).
  Neg, Not, Add, Sub, Mul, Div, Mod,
  Lt, Le, Gt, Ge, Eq, Ne,
  And, Or,          // Kleene three-valued logic
  Coalesce,         // args[0] ?? args[1]
  Has,              // has(args[0]): never null
  InSet,            // args[0] in {args[1..]} (constants); index = 1 for `not in`
  ListContains,     // args[0] (string) in args[1] (list<string>); index = 1 for `not in`
  Call,             // builtin `fn` over args
  ListLit,          // constant elements (args); only the checker sees it: `in` turns it into InSet
};

// How many arguments an operator takes (ir/validate.cpp checks programs against it).
enum class Arity : uint8_t {
  Unknown,     // not an operator
  Leaf,        // none
  Unary,       // one
  Binary,      // two
  OneOrMore,   // InSet: the value, then its constants
  Builtin,     // as one of the builtin's signatures allows
  Never,       // ListLit: never part of a program
};

constexpr Arity op_arity(Op op) {
  switch (op) {
    case Op::Const:
    case Op::EventProp:
    case Op::ProfileAttr:
    case Op::AggRead:
    case Op::AsOf:
    case Op::ScoreRaw:
    case Op::ScoreValue:
    case Op::ScoreTier:
    case Op::GradePoints:
    case Op::GradeLetter:
    case Op::SegmentRef: return Arity::Leaf;
    case Op::Neg:
    case Op::Not:
    case Op::Has: return Arity::Unary;
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod:
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
    case Op::And: case Op::Or:
    case Op::Coalesce:
    case Op::ListContains: return Arity::Binary;
    case Op::InSet: return Arity::OneOrMore;
    case Op::Call: return Arity::Builtin;
    case Op::ListLit: return Arity::Never;
  }
  return Arity::Unknown;
}

inline constexpr uint8_t kOpCount = count_kinds<Op>([](Op op) { return op_arity(op) != Arity::Unknown; });

struct Expr {
  Op op = Op::Const;
  Type type = Type::Null;
  double value = 0;
  bool valid = false;
  int index = -1;
  int index2 = -1;
  AggKind agg = AggKind::Count;
  builtins::Id fn = builtins::Id::Min;
  std::vector<Expr> args;
};

// One per-user state slot.
struct Slot {
  std::string name;   // for `scorec ir` and debugging: "engagement.raw", "count(purchase, 90d)"
  double init = 0;
};

// An aggregate's per-event update: slot = f(slot, value) for events of `event` with
// T - window < ts <= T (window 0 = all time). column -1 means the event's timestamp
// (first/last); for Count, column -1 counts events and a column counts its non-null values.
struct AggUpdate {
  UpdateKind kind = UpdateKind::Count;
  int event = -1;
  int column = -1;
  double window = 0;
  int slot = -1;
};

// `on EVENT [when COND] WEIGHT [cap N [per D]] [once | limit N [per D]]`.
struct EventRule {
  int id = 0;            // position among all event rules
  int event = -1;
  int score = -1;
  std::string label;     // "engagement: on email_open +3" for explain and `scorec ir`
  std::string where;     // file:line
  bool has_cond = false;
  Expr cond;
  Expr weight;
  // Count limit: at most `limit` accepted events per bucket (`limit_period` seconds,
  // epoch-aligned; 0 = lifetime). limit 0 = none.
  int64_t limit = 0;
  double limit_period = 0;
  int limit_bucket_slot = -1;
  int limit_count_slot = -1;
  // Cap on the running magnitude of accepted undecayed weight per bucket; 0 = none.
  double cap = 0;
  double cap_period = 0;
  int cap_bucket_slot = -1;
  int cap_used_slot = -1;
};

// A per-user term of a score or grade: `when COND WEIGHT`, added once, undecayed.
struct UserTerm {
  std::string label;
  std::string where;
  Expr cond;
  Expr weight;
};

enum class ScaleKind : uint8_t { None, Linear, Percentile };

constexpr std::string_view scale_name(ScaleKind k) {
  switch (k) {
    case ScaleKind::None: return "none";
    case ScaleKind::Linear: return "linear";
    case ScaleKind::Percentile: return "percentile";
  }
  return {};
}

inline constexpr uint8_t kScaleKindCount = count_kinds<ScaleKind>([](ScaleKind k) { return !scale_name(k).empty(); });

struct Scale {
  ScaleKind kind = ScaleKind::None;
  double lo = 0, hi = 0;  // linear: the raw range
  int64_t a = 0, b = 0;   // the target integer range a..b
};

// A tier (or grade letter): matches when value >= min (threshold form), when
// min <= value <= max (range form), or always (the catch-all).
struct Tier {
  std::string name;
  int name_string = -1;   // id in Program::strings
  enum Kind : uint8_t { Threshold, Range, CatchAll } kind = CatchAll;
  double min = 0, max = 0;
};

constexpr bool is_tier_kind(Tier::Kind k) {
  switch (k) {
    case Tier::Threshold:
    case Tier::Range:
    case Tier::CatchAll: return true;
  }
  return false;
}

inline constexpr uint8_t kTierKindCount = count_kinds<Tier::Kind>(is_tier_kind);

struct Score {
  std::string name;
  int raw_slot = -1;
  DecayKind decay = DecayKind::None;
  double decay_param = 0;  // half-life or linear length, seconds
  double window = 0;       // look-back window, seconds; 0 = none
  std::vector<UserTerm> terms;
  Scale scale;
  std::vector<Tier> tiers;  // empty: no tiers
};

struct Grade {
  std::string name;
  std::vector<UserTerm> terms;
  std::vector<Tier> letters;
};

struct Segment {
  std::string name;
  Expr cond;
};

struct Program {
  Schema schema;
  std::vector<std::string> strings;  // string constants; a run interns them first, so id = index
  std::vector<Slot> slots;           // the per-user state layout
  std::vector<AggUpdate> aggs;
  std::vector<EventRule> rules;
  std::vector<std::vector<int>> aggs_by_event;   // event -> indices into aggs
  std::vector<std::vector<int>> rules_by_event;  // event -> indices into rules, in source order
  std::vector<Score> scores;
  std::vector<Grade> grades;
  std::vector<Segment> segments;
  // True when a rule's result depends on the order of a user's events (caps, limits):
  // the engine must then see each user's events in timestamp order.
  bool order_dependent = false;
  // The main file's `test` blocks (ir/test_case.h): not part of scoring.
  std::vector<TestCase> tests;
};

}  // namespace scorec::ir
