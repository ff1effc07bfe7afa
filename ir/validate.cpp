#include "ir/validate.h"

#include <cmath>
#include <optional>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "stdlib/builtins.h"

namespace scorec::ir {
namespace {

using Problem = std::optional<std::string>;

bool in_range(int64_t i, size_t n) { return i >= 0 && static_cast<uint64_t>(i) < n; }
// -1 means "none" for optional indices.
bool none_or_in_range(int64_t i, size_t n) { return i == -1 || in_range(i, n); }

// Where an expression sits decides what it may read: only event rules see the event.
enum class Where { EventRule, PerUser };

class Checker {
 public:
  explicit Checker(const Program& p) : p_(p) {}

  Problem program() {
    if (auto pr = schema()) return pr;
    if (auto pr = unique_strings()) return pr;
    for (size_t i = 0; i < p_.aggs.size(); ++i)
      if (auto pr = agg(p_.aggs[i])) return fmt::format("aggregate {}: {}", i, *pr);
    for (size_t i = 0; i < p_.rules.size(); ++i)
      if (auto pr = rule(p_.rules[i])) return fmt::format("rule {}: {}", i, *pr);
    if (auto pr = by_event(p_.aggs_by_event, p_.aggs.size(), "aggs_by_event")) return pr;
    if (auto pr = by_event(p_.rules_by_event, p_.rules.size(), "rules_by_event")) return pr;
    for (const auto& s : p_.scores)
      if (auto pr = score(s)) return fmt::format("score '{}': {}", s.name, *pr);
    for (const auto& g : p_.grades) {
      if (auto pr = terms(g.terms)) return fmt::format("grade '{}': {}", g.name, *pr);
      if (auto pr = tiers(g.letters)) return fmt::format("grade '{}': {}", g.name, *pr);
    }
    for (const auto& s : p_.segments)
      if (auto pr = expr(s.cond, Where::PerUser)) return fmt::format("segment '{}': {}", s.name, *pr);
    return std::nullopt;
  }

 private:
  // A run interns Program::strings in order and takes each one's index as its id; a
  // repeated string would be interned once, leaving later ids past the end of the pool.
  Problem unique_strings() {
    std::unordered_set<std::string_view> seen;
    for (size_t i = 0; i < p_.strings.size(); ++i)
      if (!seen.insert(p_.strings[i]).second) return fmt::format("string {} ('{}') is repeated", i, p_.strings[i]);
    return std::nullopt;
  }

  Problem schema() {
    const auto& s = p_.schema;
    size_t props = 0;
    for (const auto& ev : s.events) props += ev.props.size();
    // Properties share columns, so there are never more columns than properties.
    if (s.num_columns < 0 || static_cast<size_t>(s.num_columns) > props)
      return fmt::format("{} event columns for {} properties", s.num_columns, props);
    for (const auto& ev : s.events)
      for (const auto& pr : ev.props) {
        if (!in_range(pr.column, static_cast<size_t>(s.num_columns)))
          return fmt::format("event '{}' property '{}': column {} out of range", ev.name, pr.name, pr.column);
        if (pr.type == Type::Null) return fmt::format("event '{}' property '{}' has no type", ev.name, pr.name);
      }
    for (const auto& a : s.profile)
      if (a.type == Type::Null) return fmt::format("profile attribute '{}' has no type", a.name);
    return std::nullopt;
  }

  Problem slot(int i, const char* what) {
    if (!in_range(i, p_.slots.size()))
      return fmt::format("{} slot {} out of range ({} slots)", what, i, p_.slots.size());
    return std::nullopt;
  }

  Problem agg(const AggUpdate& a) {
    if (!in_range(a.event, p_.schema.events.size())) return fmt::format("event {} out of range", a.event);
    if (!none_or_in_range(a.column, static_cast<size_t>(p_.schema.num_columns)))
      return fmt::format("column {} out of range", a.column);
    return slot(a.slot, "state");
  }

  Problem rule(const EventRule& r) {
    if (!in_range(r.id, p_.rules.size())) return fmt::format("id {} out of range", r.id);
    if (!in_range(r.event, p_.schema.events.size())) return fmt::format("event {} out of range", r.event);
    if (!in_range(r.score, p_.scores.size())) return fmt::format("score {} out of range", r.score);
    if (r.has_cond)
      if (auto pr = expr(r.cond, Where::EventRule)) return "condition: " + *pr;
    if (auto pr = expr(r.weight, Where::EventRule)) return "weight: " + *pr;
    if (r.limit < 0) return fmt::format("negative limit {}", r.limit);
    if (r.limit > 0) {
      if (auto pr = slot(r.limit_bucket_slot, "limit bucket")) return pr;
      if (auto pr = slot(r.limit_count_slot, "limit count")) return pr;
    }
    if (r.cap > 0) {
      if (auto pr = slot(r.cap_bucket_slot, "cap bucket")) return pr;
      if (auto pr = slot(r.cap_used_slot, "cap used")) return pr;
    }
    return std::nullopt;
  }

  Problem by_event(const std::vector<std::vector<int>>& lists, size_t n, const char* what) {
    if (lists.size() != p_.schema.events.size())
      return fmt::format("{} has {} entries for {} event types", what, lists.size(), p_.schema.events.size());
    for (const auto& l : lists)
      for (int i : l)
        if (!in_range(i, n)) return fmt::format("{}: index {} out of range", what, i);
    return std::nullopt;
  }

  Problem score(const Score& s) {
    if (auto pr = slot(s.raw_slot, "raw score")) return pr;
    if (auto pr = terms(s.terms)) return pr;
    return tiers(s.tiers);
  }

  Problem terms(const std::vector<UserTerm>& ts) {
    for (const auto& t : ts) {
      if (auto pr = expr(t.cond, Where::PerUser)) return fmt::format("term '{}': condition: {}", t.label, *pr);
      if (auto pr = expr(t.weight, Where::PerUser)) return fmt::format("term '{}': weight: {}", t.label, *pr);
    }
    return std::nullopt;
  }

  Problem tiers(const std::vector<Tier>& ts) {
    for (const auto& t : ts)
      if (!in_range(t.name_string, p_.strings.size()))
        return fmt::format("tier '{}': string {} out of range", t.name, t.name_string);
    return std::nullopt;
  }

  Problem arity(const Expr& e) {
    size_t n = e.args.size();
    auto want = [&](size_t k) -> Problem {
      if (n == k) return std::nullopt;
      return fmt::format("operator {} has {} arguments, not {}", static_cast<int>(e.op), n, k);
    };
    switch (op_arity(e.op)) {
      case Arity::Unknown: return "unknown operator";
      case Arity::Leaf: return want(0);
      case Arity::Unary: return want(1);
      case Arity::Binary: return want(2);
      case Arity::OneOrMore: return n >= 1 ? std::nullopt : want(1);
      case Arity::Builtin: {
        // The arity of one of the builtin's signatures, as the checker allows them.
        for (const auto& sig : builtins::info(e.fn).signatures)
          if (sig.variadic ? n >= sig.params.size() : n == sig.params.size()) return std::nullopt;
        return fmt::format("{}() called with {} arguments", builtins::info(e.fn).name, n);
      }
      case Arity::Never: return "a list literal outside `in`";
    }
    return "unknown operator";
  }

  Problem expr(const Expr& e, Where where) {
    if (static_cast<uint8_t>(e.op) >= kOpCount) return "unknown operator";
    if (static_cast<uint8_t>(e.type) >= kTypeCount) return "unknown type";
    if (e.op == Op::Call && static_cast<uint16_t>(e.fn) >= static_cast<uint16_t>(builtins::Id::Count_))
      return "unknown builtin function";
    if (auto pr = arity(e)) return pr;
    switch (e.op) {
      case Op::Const:
        // String constants are ids into Program::strings, which a run interns first.
        if (e.valid && e.type == Type::String &&
            (!(e.value >= 0) || e.value != std::floor(e.value) || e.value >= static_cast<double>(p_.strings.size())))
          return fmt::format("string constant {} out of range", e.value);
        break;
      case Op::EventProp:
        if (where != Where::EventRule) return "an event property outside an event rule";
        if (!in_range(e.index, static_cast<size_t>(p_.schema.num_columns)))
          return fmt::format("event column {} out of range", e.index);
        break;
      case Op::ProfileAttr:
        if (!in_range(e.index, p_.schema.profile.size()))
          return fmt::format("profile attribute {} out of range", e.index);
        break;
      case Op::AggRead:
        if (static_cast<uint8_t>(e.agg) >= kAggKindCount) return "unknown aggregate kind";
        if (auto pr = slot(e.index, "aggregate")) return pr;
        // Mean and ValueIfAny read the count slot, so those aggregates need one.
        if (agg_info(e.agg).read == AggRead::Value ? !none_or_in_range(e.index2, p_.slots.size())
                                                   : !in_range(e.index2, p_.slots.size()))
          return fmt::format("count slot {} out of range", e.index2);
        break;
      case Op::ScoreRaw:
      case Op::ScoreValue:
      case Op::ScoreTier:
        if (!in_range(e.index, p_.scores.size())) return fmt::format("score {} out of range", e.index);
        break;
      case Op::GradePoints:
      case Op::GradeLetter:
        if (!in_range(e.index, p_.grades.size())) return fmt::format("grade {} out of range", e.index);
        break;
      case Op::SegmentRef:
        if (!in_range(e.index, p_.segments.size())) return fmt::format("segment {} out of range", e.index);
        break;
      case Op::AsOf:
      case Op::Neg: case Op::Not: case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod:
      case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
      case Op::And: case Op::Or: case Op::Coalesce: case Op::Has: case Op::InSet: case Op::ListContains:
      case Op::Call: case Op::ListLit: break;  // nothing to check beyond the arguments
    }
    for (const auto& a : e.args)
      if (auto pr = expr(a, where)) return pr;
    return std::nullopt;
  }

  const Program& p_;
};

}  // namespace

Status validate_structure(const Program& program) {
  if (auto problem = Checker(program).program()) return Error{*problem};
  return Ok{};
}

}  // namespace scorec::ir
