// The abstract syntax tree of a rules file. Every node carries its Loc. The checker
// fills in the `type` and `ref` of expressions (what a name denotes); lowering to the
// IR reads only checked trees.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/source.h"
#include "ir/types.h"

namespace scorec::frontend {

enum class ExprKind {
  Number,     // number
  Duration,   // number = seconds
  Timestamp,  // number = epoch seconds
  String,     // text
  Bool,       // number = 0/1
  Null,
  Name,       // text, optionally member: `plan`, `purchase.amount`, `engagement.tier`
  Call,       // text = function name, args
  List,       // args = elements
  Unary,      // op = "-" | "not", args[0]
  Binary,     // op = + - * / % < <= > >= == != and or ??, args[0..1]
  In,         // op = "in" | "not in", args[0] in args[1]
};

// What a name or call denotes, decided by the checker.
enum class RefKind {
  None,
  EventProp,   // index = event type, index2 = property index
  ProfileAttr, // index = attribute
  Const,       // index = constant
  Aggregate,   // count/sum/min/max/avg/first/last over an event type; see Expr::agg
  Builtin,     // index = builtin function id
  ScoreRaw,    // index = score; `engagement.raw`
  ScoreValue,  // index = score; `engagement` / `engagement.score` (scaled if scaled, else raw)
  ScoreTier,   // index = score; `engagement.tier`
  GradePoints, // index = grade; `fit.points`
  GradeLetter, // index = grade; `fit` / `fit.letter`
  Segment,     // index = segment
  AsOf,        // `as_of`: the run's as-of instant
  Has,         // has(x)
};

enum class AggKind { Count, Sum, Min, Max, Avg, First, Last };

struct Expr {
  ExprKind kind = ExprKind::Null;
  Loc loc;    // the operator, name or literal: where a caret points
  Loc range;  // the whole expression, for errors about all of it
  double number = 0;
  std::string text;
  std::string member;  // second part of a qualified name
  Loc member_loc;
  std::string op;
  std::vector<std::unique_ptr<Expr>> args;
  bool parenthesized = false;

  // Filled in by the checker.
  ir::Type type = ir::Type::Null;
  RefKind ref = RefKind::None;
  int index = -1;
  int index2 = -1;
  AggKind agg = AggKind::Count;
  double agg_window = 0;  // seconds; 0 = no window
};
using ExprPtr = std::unique_ptr<Expr>;

struct Field {
  std::string name;
  Loc loc;
  std::string type_text;
  Loc type_loc;
};

struct EventDecl {
  std::string name;
  Loc loc;
  std::vector<Field> fields;
};

struct ProfileDecl {
  Loc loc;
  std::vector<Field> fields;
};

struct ConstDecl {
  std::string name;
  Loc loc;
  ExprPtr value;
};

struct Weight {
  bool negative = false;
  ExprPtr expr;
  Loc loc;  // the sign
};

enum class ModifierKind { Cap, Limit, Once };

struct Modifier {
  ModifierKind kind = ModifierKind::Cap;
  Loc loc;
  ExprPtr amount;  // cap N / limit N; null for once
  ExprPtr period;  // per D; null = lifetime
};

struct OnRule {
  std::string event;
  Loc loc;        // the `on` keyword through the event name
  Loc event_loc;
  ExprPtr cond;   // may be null
  std::optional<Weight> weight;
  std::vector<Modifier> modifiers;
};

// `when COND WEIGHT`: a per-user term of a score or a grade.
struct WhenRule {
  Loc loc;
  ExprPtr cond;
  std::optional<Weight> weight;
};

struct Range {
  ExprPtr lo, hi;
  Loc loc;
};

struct Tier {
  std::string name;
  Loc loc;
  ExprPtr threshold;           // `hot >= 7`
  std::optional<Range> range;  // `medium 4..6`
};

struct TierList {
  Loc loc;
  std::vector<Tier> tiers;
};

struct DecaySpec {
  std::string kind;  // none | half_life | linear (checked by the checker)
  Loc loc;
  Loc kind_loc;
  ExprPtr param;
};

struct ScaleSpec {
  std::string kind;  // linear | percentile
  Loc loc;
  Loc kind_loc;
  Range from;  // linear: lo..hi of the raw score; percentile: the target range
  std::optional<Range> to;
};

struct ScoreDecl {
  std::string name;
  Loc loc;
  std::optional<DecaySpec> decay;
  ExprPtr window;
  Loc window_loc;
  std::vector<OnRule> on_rules;
  std::vector<WhenRule> when_rules;
  std::optional<ScaleSpec> scale;
  std::optional<TierList> tiers;
};

struct GradeDecl {
  std::string name;
  Loc loc;
  std::vector<WhenRule> when_rules;
  std::optional<TierList> letters;
};

struct SegmentDecl {
  std::string name;
  Loc loc;
  ExprPtr cond;
};

struct ImportDecl {
  std::string path;
  Loc loc;
};

// `test "name" { ... }`: one user, scored alone, and what its outputs must be.
struct TestValue {  // `plan: "paid"` in a profile or an event
  std::string name;
  Loc loc;
  ExprPtr value;
};

struct TestEvent {
  Loc loc;        // the timestamp
  double ts = 0;  // epoch seconds
  std::string event;
  Loc event_loc;
  std::vector<TestValue> props;
};

struct TestExpect {
  Loc loc;            // the `expect` keyword
  ExprPtr cond;       // `engagement.tier == high`, `dormant_30`, `not dormant_30`
  std::optional<Range> within;  // `expect engagement.raw within 1..2`
};

struct TestDecl {
  std::string name;
  Loc loc;  // the name
  bool has_profile = false;
  std::vector<TestValue> profile;
  std::vector<TestEvent> events;
  ExprPtr as_of;  // may be null: the latest event of the test
  std::vector<TestExpect> expects;
  bool incomplete = false;  // an item had an error: no follow-up errors about what is missing
};

// One parsed file.
struct Module {
  int file = -1;
  std::vector<ImportDecl> imports;
  std::vector<EventDecl> events;
  std::vector<ProfileDecl> profiles;
  std::vector<ConstDecl> consts;
  std::vector<ScoreDecl> scores;
  std::vector<GradeDecl> grades;
  std::vector<SegmentDecl> segments;
  std::vector<TestDecl> tests;
};

}  // namespace scorec::frontend
