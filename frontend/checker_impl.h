// The checker's internals, shared by its source files: checker.cpp (declarations,
// scores, grades, segments), check_tiers.cpp (scales, tiers, letters), check_expr.cpp
// (names, operators, types), check_call.cpp (functions and aggregates) and
// check_lint.cpp (warnings: unused declarations, rules that never apply, ...).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/limits.h"
#include "ir/builder.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::frontend::detail {


using ir::Op;
using ir::Type;

// Where an expression is evaluated decides which names it may use.
enum class Context {
  Const,    // constants: literals, other constants, functions
  Event,    // `on EVENT` conditions and weights: the event's properties, the profile
  User,     // `when` terms of scores and grades: the profile, aggregates, as_of
  Segment,  // segments: as User, plus scores, grades and earlier segments
};

struct Scope {
  Context ctx = Context::Const;
  int event = -1;    // Context::Event
  int segment = -1;  // Context::Segment: the segment being checked
};

struct ConstInfo {
  const ConstDecl* decl = nullptr;
  enum State { Unchecked, Checking, Done, Failed } state = Unchecked;
  ir::Expr value;
};

inline std::string type_str(Type t) { return ir::type_name(t); }

inline bool is_numeric_like(Type t) { return t == Type::Number || t == Type::Duration || t == Type::Timestamp; }

// Where an error about a whole expression points: all of it, when it is on one line.
inline Loc whole(const Expr& e) { return e.range.valid() ? e.range : e.loc; }

// A weight, sign included ("+500"), when it is on one line.
inline Loc weight_loc(const Weight& w) {
  Loc l = w.loc;
  if (!w.expr) return l;
  Loc r = whole(*w.expr);
  if (l.valid() && r.valid() && r.file == l.file && r.line == l.line && r.col >= l.col) l.length = r.col + r.length - l.col;
  return l;
}

class Checker {
 public:
  Checker(std::vector<Module>& modules, const SourceManager& sources, Diagnostics& diags)
      : modules_(modules), sources_(sources), diags_(diags) {}

  std::optional<ir::Program> run();

 private:
  // ----- declarations ---------------------------------------------------------------

  std::optional<Type> field_type(const Field& f);

  void collect_schema();

  std::string where(Loc l) const;

  void declare(const std::string& name, Loc loc, const char* what);

  void collect_names();

  std::optional<ir::Expr> check_const(const std::string& name, Loc use);

  // ----- constant parameters (durations, thresholds) --------------------------------

  // Checks `e` is a constant of type `want` and returns its value.
  std::optional<double> constant(const Expr* e, Type want, const char* what, Loc fallback);

  std::optional<double> positive(const Expr* e, Type want, const char* what, Loc fallback);

  // ----- scores ---------------------------------------------------------------------

  void check_score(ScoreDecl& s);

  std::string rule_label(const std::string& owner, Loc l);

  void check_on_rule(OnRule& r, const ScoreDecl& s, int score);

  std::optional<ir::UserTerm> user_term(WhenRule& w, const std::string& owner);

  // `what` names the owner in warnings about a constant condition: "rule", "segment".
  std::optional<ir::Expr> condition(const Expr& e, const Scope& scope, const char* what = "rule");

  std::optional<ir::Expr> weight(Weight& w, const Scope& scope);

  void check_scale(const ScaleSpec& sc, ir::Score& out);

  // Tiers (and grade letters): first match wins, the last is the catch-all. The check
  // proves every possible value has a tier (no gap), no two ranges claim a value (no
  // overlap), and every tier gets some value (none unreachable). With an integer scale
  // a..b the possible values are exactly those integers and are enumerated.
  std::vector<ir::Tier> check_tiers(const TierList& tl, const ir::Scale& scale, const char* what,
                                    const std::string& owner);

  // ----- grades and segments --------------------------------------------------------

  void check_grade(GradeDecl& g);

  void check_segment(SegmentDecl& s, int index);

  // ----- tests (check_tests.cpp) -----------------------------------------------------

  void check_tests();
  std::optional<ir::TestValue> test_value(const TestValue& v, Type want);
  std::optional<ir::TestExpect> test_expect(const TestExpect& x);

  // ----- expressions ----------------------------------------------------------------

  std::optional<ir::Expr> expr(const Expr& e, const Scope& scope);

  std::vector<std::string> candidates(const Scope& scope);

  std::optional<ir::Expr> event_prop(int ev, int p);

  std::optional<ir::Expr> profile_attr(int a);

  std::optional<ir::Expr> name(const Expr& e, const Scope& scope);

  std::optional<ir::Expr> segment_ref(const Expr& e, int target, const Scope& scope);

  std::optional<ir::Expr> qualified(const Expr& e, const Scope& scope);

  std::optional<ir::Expr> list(const Expr& e, const Scope& scope);

  bool reject_list(const ir::Expr& v, const Expr& e);

  std::optional<ir::Expr> unary(const Expr& e, const Scope& scope);

  std::optional<Type> arithmetic_type(const std::string& op, Type a, Type b);

  std::optional<ir::Expr> binary(const Expr& e, const Scope& scope);
  [[gnu::noinline]] std::optional<ir::Expr> typed_binary(const Expr& e, const Scope& scope, std::optional<ir::Expr> a,
                                                         std::optional<ir::Expr> b);

  static std::string describe(const Expr& e);

  bool check_tier_name(const ir::Expr& ref, const ir::Expr& text, const Expr& text_ast);

  std::optional<ir::Expr> in(const Expr& e, const Scope& scope);

  // ----- calls: aggregates, time helpers, has(), builtins ---------------------------

  std::optional<ir::Expr> call(const Expr& e, const Scope& scope);

  static bool matches(const builtins::Signature& sig, const std::vector<ir::Expr>& args);

  // min(a, b) is math; min(purchase.amount) is an aggregate. An aggregate's first
  // argument names an event type or an event's property.
  bool is_aggregate_call(const Expr& e, ir::AggKind kind, const Scope& scope);

  std::optional<ir::Expr> aggregate(const Expr& e, ir::AggKind kind, const Scope& scope);

  // ----- warnings (check_lint.cpp) ---------------------------------------------------

  // Structural equality of checked expressions (aggregates compare by slot).
  static bool same(const ir::Expr& a, const ir::Expr& b);
  // A hash that agrees with same(): same(a, b) implies shape_hash(a) == shape_hash(b).
  static uint64_t shape_hash(const ir::Expr& e, uint64_t h);

  // A comparison or and/or whose result is known without any data: kept as pending
  // until the enclosing condition is known, see condition().
  void lint_comparison(const Expr& e, Op op, const ir::Expr& a, const ir::Expr& b, const Scope& scope);

  void lint_logic(const Expr& e, Op op, const ir::Expr& a, const ir::Expr& b, const Scope& scope);

  // A condition that folded to a constant: the rule never applies, or always does.
  void lint_condition(const Expr& e, const ir::Expr& c, size_t pending_mark, const char* what);

  void flush_pending(size_t from);

  // Event rules: a duplicate of an earlier rule; a cap the count limit keeps out of reach.
  void lint_event_rule(const ir::EventRule& rule, const OnRule& r);

  void lint_user_term(const ir::UserTerm& term, const std::vector<ir::UserTerm>& earlier, const WhenRule& w);

  // Constant weights against the linear scale's raw range.
  void lint_weights(const ir::Score& out);

  // Declarations of the main file that nothing uses; at the end, without errors.
  void lint_unused();

  // Warnings wait for the end of the check: with errors, they are dropped (after a
  // syntax error the recovered rules are not what the author wrote).
  void warn(std::string_view code, Loc loc, std::string message, std::string hint);
  std::vector<Diagnostic> warnings_;
  std::vector<Diagnostic> pending_;  // W030 findings inside the condition being checked
  std::set<int> used_events_, used_attrs_;
  std::set<std::string> used_consts_;
  std::vector<const ScoreDecl*> empty_scores_;
  struct ConstWeight {
    Loc loc;
    double value;
    bool per_user;
  };
  std::vector<ConstWeight> const_weights_;  // of the score being checked
  // W021 looks a rule up among the earlier ones by hash, not by comparing it with each
  // of them (quadratic in rules): program rules, and the terms of the score being checked.
  std::unordered_map<uint64_t, std::vector<size_t>> rule_index_, term_index_;

  std::vector<Module>& modules_;
  const SourceManager& sources_;
  Diagnostics& diags_;
  ir::Builder b_;
  std::map<std::string, Loc> event_locs_;
  std::map<std::string, std::string> event_keys_;  // event_name_key -> the first event declared with it
  std::map<std::string, std::pair<Loc, const char*>> top_names_;
  std::map<std::string, ConstInfo> consts_;
  std::vector<std::string> const_stack_;  // constants being checked, for cycle messages
  std::vector<ScoreDecl*> scores_;
  std::vector<GradeDecl*> grades_;
  std::vector<SegmentDecl*> segments_;
  std::map<std::string, int> score_index_, grade_index_, segment_index_;
};

}  // namespace scorec::frontend::detail
