#include "tests/differential/case_gen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "ir/program.h"
#include "support/time.h"
#include "tests/differential/rng.h"

namespace scorec::difftest {

namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

}  // namespace

std::string Case::rules_text() const { return join_lines(rules); }
std::string Case::events_text() const { return join_lines(events); }
std::string Case::profiles_text() const { return join_lines(profiles); }

namespace {

enum class Ty { Num, Bool, Str, Ts, Dur, List };
enum class Ctx { Event, User, Segment };

struct Field {
  std::string name;
  Ty ty;
};

struct EventDecl {
  std::string name;
  std::vector<Field> props;
  std::vector<std::string> of(Ty t) const {
    std::vector<std::string> out;
    for (const auto& p : props)
      if (p.ty == t) out.push_back(p.name);
    return out;
  }
};

struct ScoreInfo {
  std::string name;
  std::vector<std::string> tiers;
};

struct GradeInfo {
  std::string name;
  std::vector<std::string> letters;
};

// Values shared by the rules and the data, so comparisons and memberships hit.
const std::vector<std::string> kStrings = {"a", "b", "abc", "Ab", "ABC", "x", "", "a b"};
const std::vector<std::string> kListItems = {"a", "b", "abc", "x", "vip"};

std::string quote(const std::string& s) { return "\"" + s + "\""; }
std::string paren(const std::string& s) { return "(" + s + ")"; }

class Generator {
 public:
  Generator(uint64_t seed, Coverage* cov) : r_(seed), cov_(cov) {}

  Case run() {
    Case c;
    schema(c.rules);
    constants(c.rules);
    int nscores = static_cast<int>(r_.range(1, 3));
    for (int i = 0; i < nscores; ++i) score(c.rules, i);
    int ngrades = static_cast<int>(r_.range(0, 2));
    for (int i = 0; i < ngrades; ++i) grade(c.rules, i);
    int nsegs = static_cast<int>(r_.range(0, 3));
    for (int i = 0; i < nsegs; ++i) segment(c.rules, i);
    data(c);
    return c;
  }

 private:
  void cov(const std::string& what) {
    if (cov_) (*cov_)[what]++;
  }

  // ----- schema and constants ---------------------------------------------------------

  void schema(std::vector<std::string>& out) {
    std::vector<std::string> names = {"open", "click", "visit", "buy"};
    int n = static_cast<int>(r_.range(2, 4));
    for (int i = 0; i < n; ++i) {
      EventDecl ev;
      ev.name = names[static_cast<size_t>(i)];
      int nprops = static_cast<int>(r_.range(0, 4));
      int counters[6] = {0, 0, 0, 0, 0, 0};
      for (int k = 0; k < nprops; ++k) {
        Ty t = r_.pick(std::vector<Ty>{Ty::Num, Ty::Num, Ty::Str, Ty::Bool, Ty::List});
        const char* prefix = t == Ty::Num ? "n" : t == Ty::Str ? "s" : t == Ty::Bool ? "b" : "l";
        ev.props.push_back({prefix + std::to_string(++counters[static_cast<int>(t)]), t});
      }
      std::string line = "event " + ev.name + " { ";
      for (size_t k = 0; k < ev.props.size(); ++k)
        line += (k ? ", " : "") + ev.props[k].name + ": " + type_name(ev.props[k].ty);
      line += ev.props.empty() ? "}" : " }";
      out.push_back(line);
      events_.push_back(std::move(ev));
    }
    profile_ = {{"pn", Ty::Num}, {"pn2", Ty::Num}, {"ps", Ty::Str}, {"pb", Ty::Bool}, {"pt", Ty::Ts}, {"pl", Ty::List}};
    // Sometimes in two blocks: profile blocks merge.
    if (r_.pct(20)) {
      out.push_back("profile { pn: number, ps: string, pb: bool }");
      out.push_back("profile { pn2: number, pt: timestamp, pl: list<string> }");
      cov("schema: two profile blocks");
    } else {
      out.push_back("profile { pn: number, pn2: number, ps: string, pb: bool, pt: timestamp, pl: list<string> }");
    }
  }

  static const char* type_name(Ty t) {
    switch (t) {
      case Ty::Num: return "number";
      case Ty::Bool: return "bool";
      case Ty::Str: return "string";
      case Ty::Ts: return "timestamp";
      case Ty::Dur: return "duration";
      case Ty::List: return "list<string>";
    }
    return "?";
  }

  void constants(std::vector<std::string>& out) {
    struct C {
      const char* name;
      Ty ty;
      const char* text;
    };
    const std::vector<C> menu = {
        {"k_num", Ty::Num, "2.5"},           {"k_big", Ty::Num, "100"},
        {"k_neg", Ty::Num, "-3"},            {"k_root", Ty::Num, "sqrt(16) + 0.5"},
        {"k_str", Ty::Str, "\"abc\""},       {"k_list", Ty::List, "[\"a\", \"abc\", \"vip\"]"},
        {"k_dur", Ty::Dur, "3d"},            {"k_ts", Ty::Ts, "2024-02-20"},
        {"k_null", Ty::Num, "null ?? 4"},
    };
    for (const auto& c : menu) {
      if (!r_.pct(45)) continue;
      out.push_back(std::string("const ") + c.name + " = " + c.text);
      consts_.push_back({c.name, c.ty});
      cov("const");
    }
    // A constant defined in terms of another.
    for (const auto& c : consts_)
      if (c.name == "k_num" && r_.pct(50)) {
        out.push_back("const k_twice = k_num * 2");
        consts_.push_back({"k_twice", Ty::Num});
        cov("const from const");
        break;
      }
  }

  std::vector<std::string> consts_of(Ty t) const {
    std::vector<std::string> out;
    for (const auto& c : consts_)
      if (c.ty == t) out.push_back(c.name);
    return out;
  }

  std::vector<std::string> attrs_of(Ty t) {
    std::vector<std::string> out;
    for (const auto& a : profile_)
      if (a.ty == t) out.push_back(r_.pct(15) ? "profile." + a.name : a.name);
    return out;
  }

  std::vector<std::string> props_of(Ty t) {
    std::vector<std::string> out;
    if (ctx_ != Ctx::Event) return out;
    const auto& ev = events_[static_cast<size_t>(event_)];
    for (const auto& p : ev.props)
      if (p.ty == t) out.push_back(r_.pct(15) ? ev.name + "." + p.name : p.name);
    return out;
  }

  // ----- expressions ----------------------------------------------------------------

  std::string duration_literal() {
    return r_.pick({"1h", "12h", "1d", "2d", "3d", "7d", "1w", "14d", "30d", "45d", "90d", "2.5d", "90min"});
  }

  std::string num_literal() {
    cov("number literal");
    return r_.pick({"0", "1", "2", "3", "0.5", "2.5", "10", "100", "7", "0.25", "1e3", "(-2)", "(-0.5)", "1.5"});
  }

  std::string string_literal() { return quote(r_.pick(kStrings)); }

  bool agg_ok() const { return ctx_ != Ctx::Event; }

  std::string aggregate_num() {
    const auto& ev = r_.pick(events_);
    auto nums = ev.of(Ty::Num);
    std::string win = r_.pct(50) ? ", " + duration_literal() : "";
    cov(std::string("agg ") + (win.empty() ? "no window" : "window"));
    if (nums.empty() || r_.pct(30)) {
      cov("agg count");
      return "count(" + ev.name + win + ")";
    }
    const char* fn = r_.pick({"sum", "min", "max", "avg"});
    cov(std::string("agg ") + fn);
    return std::string(fn) + "(" + ev.name + "." + r_.pick(nums) + win + ")";
  }

  std::string aggregate_ts() {
    const auto& ev = r_.pick(events_);
    std::string win = r_.pct(40) ? ", " + duration_literal() : "";
    const char* fn = r_.pick({"first", "last"});
    cov(std::string("agg ") + fn);
    return std::string(fn) + "(" + ev.name + win + ")";
  }

  std::string num_leaf() {
    std::vector<std::string> options;
    for (int i = 0; i < 2; ++i) options.push_back(num_literal());
    for (auto& p : props_of(Ty::Num)) for (int i = 0; i < 3; ++i) options.push_back(p);
    for (auto& a : attrs_of(Ty::Num)) options.push_back(a);
    for (auto& c : consts_of(Ty::Num)) options.push_back(c);
    if (agg_ok()) for (int i = 0; i < 3; ++i) options.push_back(aggregate_num());
    if (ctx_ == Ctx::Segment) {
      for (const auto& s : scores_) {
        options.push_back(s.name);
        options.push_back(s.name + (r_.pct(50) ? ".raw" : ".score"));
      }
      for (const auto& g : grades_) options.push_back(g.name + ".points");
    }
    std::string out = r_.pick(options);
    if (out.find(".raw") != std::string::npos || out.find(".score") != std::string::npos) cov("segment reads score");
    if (out.find(".points") != std::string::npos) cov("segment reads grade points");
    return out;
  }

  std::string num(int d) {
    if (d <= 0 || r_.pct(30)) return num_leaf();
    switch (r_.range(0, 12)) {
      case 0:
      case 1:
      case 2: {
        const char* op = r_.pick({"+", "-", "*", "/", "%", "/", "%"});
        cov(std::string("op ") + op);
        return paren(num(d - 1) + " " + op + " " + num(d - 1));
      }
      case 3: cov("op neg"); return "-" + paren(num(d - 1));
      case 4: {
        cov("op ??");
        if (r_.pct(20)) {
          cov("null literal");
          return r_.pct(50) ? paren("null ?? " + num(d - 1)) : paren(num(d - 1) + " ?? null");
        }
        return paren(num(d - 1) + " ?? " + num(d - 1));
      }
      case 5:
      case 6:
      case 7: return builtin_num(d);
      case 8:
        cov("fn len");
        if (r_.pct(50)) {
          cov(builtin_feature(builtins::Id::Len));
          return "len(" + str(d - 1) + ")";
        }
        cov(builtin_feature(builtins::Id::ListLen));
        return "len(" + list_val() + ")";
      case 9: {
        const char* fn = r_.pick({"days_since", "hours_since"});
        cov(std::string("fn ") + fn);
        return std::string(fn) + "(" + ts(d - 1) + ")";
      }
      case 10: cov("duration / duration"); return paren(dur(d - 1) + " / " + r_.pick({"1d", "1h", "2d"}));
      case 11:
        if (ctx_ == Ctx::Event && r_.pct(50)) return num_leaf();
        return num_leaf();
      default: return num_leaf();
    }
  }

  std::string builtin_num(int d) {
    int which = static_cast<int>(r_.range(0, 13));
    auto a = [&] { return num(d - 1); };
    // min/max whose first argument names an event (`max(click.n2, 3)`) is read as the
    // aggregate max(EVENT.property, window), so the first argument must not be one.
    auto first = [&] {
      for (int i = 0; i < 10; ++i) {
        std::string x = num(d - 1);
        bool event_name = false;
        for (const auto& ev : events_) event_name |= x.rfind(ev.name + ".", 0) == 0;
        if (!event_name) return x;
      }
      return num_literal();
    };
    switch (which) {
      case 0: {
        cov("fn min");
        std::string s = "min(" + first() + ", " + a();
        if (r_.pct(30)) s += ", " + a();
        if (r_.pct(10)) { s += ", null"; cov("null literal"); }
        return s + ")";
      }
      case 1: {
        cov("fn max");
        std::string s = "max(" + first() + ", " + a();
        if (r_.pct(30)) s += ", " + a();
        return s + ")";
      }
      case 2: cov("fn clamp"); return "clamp(" + a() + ", " + a() + ", " + a() + ")";
      case 3: cov("fn abs"); return "abs(" + a() + ")";
      case 4: cov("fn log"); return "log(" + a() + ")";
      case 5: cov("fn log10"); return "log10(" + a() + ")";
      case 6: cov("fn sqrt"); return "sqrt(" + a() + ")";
      case 7:
        cov("fn round");
        return r_.pct(50) ? "round(" + a() + ")" : "round(" + a() + ", " + r_.pick({"0", "1", "2", "(-1)"}) + ")";
      case 8: cov("fn floor"); return "floor(" + a() + ")";
      case 9: cov("fn ceil"); return "ceil(" + a() + ")";
      case 10: cov("fn pow"); return "pow(" + a() + ", " + (r_.pct(50) ? a() : std::string(r_.pick({"2", "0.5", "(-1)", "3"}))) + ")";
      case 11: cov("fn exp"); return "exp(" + a() + ")";
      case 12: cov("fn abs"); return "abs(" + a() + ")";
      default: cov("fn min"); return "min(" + first() + ", " + a() + ")";
    }
  }

  std::string list_val() {
    std::vector<std::string> options = props_of(Ty::List);
    for (auto& a : attrs_of(Ty::List)) options.push_back(a);
    return r_.pick(options);
  }

  std::string str_leaf() {
    std::vector<std::string> options = {string_literal(), string_literal()};
    for (auto& p : props_of(Ty::Str)) for (int i = 0; i < 3; ++i) options.push_back(p);
    for (auto& a : attrs_of(Ty::Str)) for (int i = 0; i < 2; ++i) options.push_back(a);
    for (auto& c : consts_of(Ty::Str)) options.push_back(c);
    if (ctx_ == Ctx::Segment) {
      for (const auto& s : scores_)
        if (!s.tiers.empty()) options.push_back(s.name + ".tier");
      for (const auto& g : grades_) options.push_back(r_.pct(50) ? g.name : g.name + ".letter");
    }
    return r_.pick(options);
  }

  // The tier (or letter) names when `x` is a bare `score.tier`, `grade` or
  // `grade.letter`: the checker insists that a text compared with one names one of them.
  const std::vector<std::string>* tier_names(const std::string& x) const {
    for (const auto& s : scores_)
      if (x == s.name + ".tier") return &s.tiers;
    for (const auto& g : grades_)
      if (x == g.name || x == g.name + ".letter") return &g.letters;
    return nullptr;
  }

  // `a == b` / `a in [...]` with a tier reference on one side: the other side names a
  // tier of it (or is another reference).
  void fit_tier_compare(std::string& a, std::string& b) {
    const auto* ta = tier_names(a);
    const auto* tb = tier_names(b);
    if (ta && !tb) b = quote(r_.pick(*ta));
    else if (tb && !ta) a = quote(r_.pick(*tb));
  }

  std::string string_list_for(const std::string& x) {
    const auto* names = tier_names(x);
    if (!names) return string_list_literal();
    std::string s = "[" + quote(r_.pick(*names));
    if (r_.pct(50)) s += ", " + quote(r_.pick(*names));
    return s + "]";
  }

  std::string str(int d) {
    if (d <= 0 || r_.pct(50)) return str_leaf();
    switch (r_.range(0, 3)) {
      case 0: cov("fn lower"); return "lower(" + str(d - 1) + ")";
      case 1: cov("fn upper"); return "upper(" + str(d - 1) + ")";
      case 2: cov("op ?? string"); return paren(str(d - 1) + " ?? " + string_literal());
      default: return str_leaf();
    }
  }

  std::string ts_leaf() {
    std::vector<std::string> options = {"as_of", r_.pick({"2024-02-20", "2024-02-28T12:00:00Z", "2024-01-01", "2024-03-01"})};
    for (auto& a : attrs_of(Ty::Ts)) for (int i = 0; i < 3; ++i) options.push_back(a);
    for (auto& c : consts_of(Ty::Ts)) options.push_back(c);
    if (agg_ok()) for (int i = 0; i < 3; ++i) options.push_back(aggregate_ts());
    std::string out = r_.pick(options);
    if (out == "as_of") cov("as_of");
    return out;
  }

  std::string ts(int d) {
    if (d <= 0 || r_.pct(50)) return ts_leaf();
    switch (r_.range(0, 3)) {
      case 0: cov("timestamp + duration"); return paren(ts(d - 1) + " + " + dur(d - 1));
      case 1: cov("timestamp - duration"); return paren(ts(d - 1) + " - " + dur(d - 1));
      case 2: cov("op ?? timestamp"); return paren(ts(d - 1) + " ?? " + ts_leaf());
      default: cov("fn min/max timestamp"); return std::string(r_.pick({"min", "max"})) + "(" + ts(d - 1) + ", " + ts(d - 1) + ")";
    }
  }

  std::string dur(int d) {
    if (d <= 0 || r_.pct(50)) {
      auto c = consts_of(Ty::Dur);
      if (!c.empty() && r_.pct(20)) return r_.pick(c);
      return duration_literal();
    }
    switch (r_.range(0, 2)) {
      case 0: cov("timestamp - timestamp"); return paren("as_of - " + ts(d - 1));
      case 1: cov("duration * number"); return paren(dur(d - 1) + " * " + num(d - 1));
      default: return paren(ts(d - 1) + " - " + ts(d - 1));
    }
  }

  std::string boolean_leaf() {
    std::vector<std::string> options = {r_.pct(50) ? "true" : "false"};
    for (auto& p : props_of(Ty::Bool)) for (int i = 0; i < 3; ++i) options.push_back(p);
    for (auto& a : attrs_of(Ty::Bool)) options.push_back(a);
    if (ctx_ == Ctx::Segment)
      for (int i = 0; i < segment_index_; ++i) {
        options.push_back("seg" + std::to_string(i));
        cov("segment reads segment");
      }
    return r_.pick(options);
  }

  std::string string_list_literal() {
    std::string s = "[";
    int n = static_cast<int>(r_.range(1, 3));
    for (int i = 0; i < n; ++i) s += (i ? ", " : "") + string_literal();
    return s + "]";
  }

  std::string boolean(int d) {
    if (d <= 0 || r_.pct(15)) return boolean_leaf();
    switch (r_.range(0, 17)) {
      case 0:
      case 1:
      case 2: {
        const char* op = r_.pick({"<", "<=", ">", ">=", "==", "!="});
        cov(std::string("cmp ") + op);
        return paren(num(d - 1) + " " + op + " " + num(d - 1));
      }
      case 3: {
        cov("cmp string");
        std::string a = str(d - 1), b = str(d - 1);
        fit_tier_compare(a, b);
        return paren(a + (r_.pct(60) ? " == " : " != ") + b);
      }
      case 4: cov("cmp bool"); return paren(boolean(d - 1) + (r_.pct(60) ? " == " : " != ") + boolean(d - 1));
      case 5: cov("cmp timestamp"); return paren(ts(d - 1) + " " + r_.pick({"<", ">=", "==", ">"}) + " " + ts(d - 1));
      case 6: cov("and"); return paren(boolean(d - 1) + " and " + boolean(d - 1));
      case 7: cov("or"); return paren(boolean(d - 1) + " or " + boolean(d - 1));
      case 8: cov("not"); return paren("not " + boolean(d - 1));
      case 9: {
        bool neg = r_.pct(30);
        cov(neg ? "not in [strings]" : "in [strings]");
        auto k = consts_of(Ty::List);
        std::string a = str(d - 1);
        std::string list = tier_names(a) ? string_list_for(a) : !k.empty() && r_.pct(30) ? r_.pick(k) : string_list_literal();
        return paren(a + (neg ? " not in " : " in ") + list);
      }
      case 10: {
        cov("in [numbers]");
        return paren(num(d - 1) + (r_.pct(20) ? " not in " : " in ") + "[" + r_.pick({"1", "2", "0"}) + ", " +
                     r_.pick({"3", "2.5", "10", "100"}) + "]");
      }
      case 11: {
        bool neg = r_.pct(30);
        cov(neg ? "not in list<string>" : "in list<string>");
        std::string elem = r_.pct(60) ? quote(r_.pick(kListItems)) : str(d - 1);
        return paren(elem + (neg ? " not in " : " in ") + list_val());
      }
      case 12: {
        cov("fn has");
        std::string arg;
        switch (r_.range(0, 4)) {
          case 0: arg = num(d - 1); break;
          case 1: arg = str(d - 1); break;
          case 2: arg = list_val(); break;
          case 3: arg = ts(d - 1); break;
          default: arg = boolean(d - 1); break;
        }
        return "has(" + arg + ")";
      }
      case 13: {
        const char* fn = r_.pick({"contains", "starts_with", "ends_with"});
        cov(std::string("fn ") + fn);
        return std::string(fn) + "(" + str(d - 1) + ", " + str(d - 1) + ")";
      }
      case 14:
        cov("op ?? bool");
        if (r_.pct(20)) {
          cov("null literal");
          return paren(boolean(d - 1) + " ?? null");
        }
        return paren(boolean(d - 1) + " ?? " + (r_.pct(50) ? "true" : "false"));
      case 15:
        if (ctx_ == Ctx::Segment) {
          std::vector<const ScoreInfo*> tiered;
          for (const auto& s : scores_)
            if (!s.tiers.empty()) tiered.push_back(&s);
          if (tiered.empty()) return boolean_leaf();
          const auto& s = *r_.pick(tiered);
          cov("segment reads tier");
          return paren(s.name + ".tier" + (r_.pct(70) ? " == " : " != ") + quote(r_.pick(s.tiers)));
        }
        return boolean_leaf();
      case 16:
        if (ctx_ == Ctx::Segment && !grades_.empty()) {
          const auto& g = r_.pick(grades_);
          cov("segment reads grade letter");
          if (r_.pct(50)) return paren(g.name + " in [" + quote(r_.pick(g.letters)) + ", " + quote(r_.pick(g.letters)) + "]");
          return paren(g.name + ".letter == " + quote(r_.pick(g.letters)));
        }
        return boolean_leaf();
      default: return boolean_leaf();
    }
  }

  int depth() { return static_cast<int>(r_.range(1, 4)); }

  // ----- scores, grades, segments ---------------------------------------------------

  std::string weight() {
    std::string sign = r_.pct(30) ? "-" : "+";
    if (sign == "-") cov("negative weight");
    if (r_.pct(35)) return sign + r_.pick({"1", "2", "3", "5", "0.5", "10", "25", "1.5"});
    cov("expression weight");
    return sign + " " + paren(num(depth()));
  }

  // Distinct whole numbers in (a, b], highest first.
  std::vector<int64_t> thresholds(int64_t a, int64_t b, int k) {
    std::set<int64_t> s;
    for (int i = 0; i < k * 3 && static_cast<int>(s.size()) < k; ++i) s.insert(r_.range(a + 1, b));
    return std::vector<int64_t>(s.rbegin(), s.rend());
  }

  void score(std::vector<std::string>& out, int index) {
    ScoreInfo info;
    info.name = "s" + std::to_string(index);
    out.push_back("score " + info.name + " {");
    switch (r_.range(0, 3)) {
      case 0: break;
      case 1: out.push_back("  decay none"); cov("decay none"); break;
      case 2: out.push_back("  decay half_life " + duration_literal()); cov("decay half_life"); break;
      default: out.push_back("  decay linear " + duration_literal()); cov("decay linear"); break;
    }
    if (r_.pct(50)) {
      out.push_back("  window " + duration_literal());
      cov("window");
    }
    int non = static_cast<int>(r_.range(1, 6));
    for (int i = 0; i < non; ++i) {
      event_ = static_cast<int>(r_.index(events_.size()));
      ctx_ = Ctx::Event;
      std::string line = "  on " + events_[static_cast<size_t>(event_)].name;
      if (r_.pct(60)) {
        line += " when " + paren(boolean(depth()));
        cov("on rule with condition");
      }
      line += " " + weight();
      std::vector<std::string> mods;
      if (r_.pct(35)) {
        std::string cap = std::string(" cap ") + r_.pick({"1", "2", "5", "10", "2.5", "7", "0.5"});
        if (r_.pct(50)) {
          cap += std::string(" per ") + r_.pick({"1h", "6h", "1d", "2d", "7d", "30d"});
          cov("cap per");
        } else {
          cov("cap lifetime");
        }
        mods.push_back(cap);
      }
      if (r_.pct(30)) {
        if (r_.pct(40)) {
          mods.push_back(" once");
          cov("once");
        } else {
          std::string lim = std::string(" limit ") + r_.pick({"1", "2", "3"});
          if (r_.pct(60)) {
            lim += std::string(" per ") + r_.pick({"1h", "6h", "1d", "2d", "7d"});
            cov("limit per");
          } else {
            cov("limit lifetime");
          }
          mods.push_back(lim);
        }
      }
      if (mods.size() == 2 && r_.pct(50)) std::swap(mods[0], mods[1]);
      for (auto& m : mods) line += m;
      out.push_back(line);
    }
    ctx_ = Ctx::User;
    int nwhen = static_cast<int>(r_.range(0, 3));
    for (int i = 0; i < nwhen; ++i) {
      out.push_back("  when " + paren(boolean(depth())) + " " + weight());
      cov("when term");
    }
    int64_t a = 0, b = 0;
    bool scaled = false;
    switch (r_.range(0, 9)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        a = r_.range(0, 2);
        b = a + r_.range(1, 12);
        std::string lo = r_.pick({"0", "0", "(-10)", "1", "0.5"});
        std::string hi = r_.pick({"10", "30", "100", "5", "50.5"});
        out.push_back("  scale linear " + lo + ".." + hi + " to " + std::to_string(a) + ".." + std::to_string(b));
        scaled = true;
        cov("scale linear");
        break;
      }
      case 4:
      case 5:
      case 6: {
        a = r_.range(0, 2);
        b = a + r_.range(1, 12);
        out.push_back("  scale percentile " + std::to_string(a) + ".." + std::to_string(b));
        scaled = true;
        cov("scale percentile");
        break;
      }
      default: cov("scale none"); break;
    }
    if (r_.pct(75)) {
      std::vector<std::string> names = {"hot", "warm", "mild", "cool", "cold"};
      int k = static_cast<int>(r_.range(1, 4));
      std::string line = "  tiers { ";
      if (scaled && r_.pct(40) && b - a + 1 >= k) {
        // Range form: a partition of a..b into k pieces.
        std::set<int64_t> cuts;
        for (int i = 0; i < 3 * k && static_cast<int>(cuts.size()) < k - 1; ++i) cuts.insert(r_.range(a + 1, b));
        std::vector<int64_t> starts = {a};
        starts.insert(starts.end(), cuts.begin(), cuts.end());
        for (size_t i = 0; i < starts.size(); ++i) {
          int64_t hi_end = i + 1 < starts.size() ? starts[i + 1] - 1 : b;
          info.tiers.push_back(names[i]);
          line += (i ? ", " : "") + names[i] + " " + std::to_string(starts[i]) + ".." + std::to_string(hi_end);
        }
        cov("tiers range form");
      } else {
        std::vector<std::string> parts;
        if (scaled) {
          for (int64_t t : thresholds(a, b, k - 1)) parts.push_back(std::to_string(t));
        } else {
          std::set<double> s;
          for (int i = 0; i < k - 1; ++i) s.insert(static_cast<double>(r_.range(-10, 40)) / (r_.pct(30) ? 2.0 : 1.0));
          for (auto it = s.rbegin(); it != s.rend(); ++it) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", *it);
            parts.push_back(*it < 0 ? std::string("-") + (buf + 1) : buf);
          }
        }
        for (size_t i = 0; i < parts.size(); ++i) {
          info.tiers.push_back(names[i]);
          line += (i ? ", " : "") + names[i] + " >= " + parts[i];
        }
        info.tiers.push_back(names[parts.size()]);
        line += (parts.empty() ? "" : ", ") + names[parts.size()];
        cov("tiers threshold form");
      }
      out.push_back(line + " }");
    }
    out.push_back("}");
    scores_.push_back(info);
  }

  void grade(std::vector<std::string>& out, int index) {
    GradeInfo g;
    g.name = "g" + std::to_string(index);
    out.push_back("grade " + g.name + " {");
    ctx_ = Ctx::User;
    int n = static_cast<int>(r_.range(1, 3));
    for (int i = 0; i < n; ++i) out.push_back("  when " + paren(boolean(depth())) + " " + weight());
    std::vector<std::string> letters = {"A", "B", "C", "D", "F"};
    int k = static_cast<int>(r_.range(2, 5));
    std::set<int64_t> s;
    for (int i = 0; i < 3 * k && static_cast<int>(s.size()) < k - 1; ++i) s.insert(r_.range(-5, 30));
    std::string line = "  letters { ";
    size_t i = 0;
    for (auto it = s.rbegin(); it != s.rend(); ++it, ++i) {
      g.letters.push_back(letters[i]);
      line += (i ? ", " : "") + letters[i] + " >= " + (*it < 0 ? "-" + std::to_string(-*it) : std::to_string(*it));
    }
    g.letters.push_back("F");
    line += (i ? ", " : "") + std::string("F }");
    out.push_back(line);
    out.push_back("}");
    grades_.push_back(g);
    cov("grade");
  }

  void segment(std::vector<std::string>& out, int index) {
    ctx_ = Ctx::Segment;
    segment_index_ = index;
    out.push_back("segment seg" + std::to_string(index) + " = " + boolean(depth()));
    cov("segment");
  }

  // ----- data -----------------------------------------------------------------------

  std::string json_str(const std::string& s) { return quote(s); }

  std::string json_list() {
    int n = static_cast<int>(r_.range(0, 3));
    std::string s = "[";
    for (int i = 0; i < n; ++i) s += (i ? "," : "") + quote(r_.pick(kListItems));
    return s + "]";
  }

  std::string json_number() {
    return r_.pick({"0", "1", "2", "3.5", "-2", "10", "100", "0.25", "1000000", "-0.5", "7", "1e-3", "1e308", "-0.0"});
  }

  // A JSON value for a property of type t: mostly valid, sometimes null or mistyped.
  std::optional<std::string> json_value(Ty t) {
    if (r_.pct(12)) return std::nullopt;  // missing
    if (r_.pct(8)) {
      cov("data: json null");
      return std::string("null");
    }
    if (r_.pct(7)) {
      cov("data: wrong type");
      switch (t) {
        case Ty::Num: return std::string(r_.pick({"\"abc\"", "true", "[1]", "\"7\"", "\"\"", "\"nan\"", "\"inf\""}));
        case Ty::Str: return std::string(r_.pick({"5", "true", "[\"a\"]", "{}"}));
        case Ty::Bool: return std::string(r_.pick({"\"maybe\"", "1", "\"yes\"", "0", "\"false\""}));
        case Ty::List: return std::string(r_.pick({"\"a|b\"", "5", "\"x\"", "[1,2]", "[null]"}));
        default: return std::string("\"?\"");
      }
    }
    switch (t) {
      case Ty::Num: return json_number();
      case Ty::Str: return json_str(r_.pick(kStrings));
      case Ty::Bool: return std::string(r_.pct(50) ? "true" : "false");
      case Ty::List: return json_list();
      default: return std::string("null");
    }
  }

  std::string time_text(double t) {
    switch (r_.range(0, 9)) {
      case 0: cov("data: epoch seconds"); return std::to_string(static_cast<int64_t>(t));
      case 1: cov("data: epoch millis"); return std::to_string(static_cast<int64_t>(t) * 1000);
      case 2: {
        cov("data: zoned timestamp");
        return quote(format_iso8601(t + 7200).substr(0, 19) + "+02:00");
      }
      default: return quote(format_iso8601(t));
    }
  }

  void data(Case& c) {
    int nusers = static_cast<int>(r_.range(1, 8));
    std::vector<std::string> users;
    for (int i = 1; i <= nusers; ++i) users.push_back("u" + std::to_string(i));
    bool explicit_as_of = r_.pct(75);
    if (explicit_as_of) c.as_of = kAsOf;
    // Event times: hours before the as-of time, on a coarse grid so ties happen.
    int nevents = static_cast<int>(r_.range(3, 120));
    int64_t grid = r_.pick(std::vector<int64_t>{1, 6, 24, 24 * 7});
    int64_t span_hours = r_.pick(std::vector<int64_t>{24, 24 * 7, 24 * 30, 24 * 90});
    std::vector<std::pair<double, std::string>> lines;
    for (int i = 0; i < nevents; ++i) {
      int64_t h = r_.range(0, span_hours);
      h -= h % grid;
      double t = kAsOf - static_cast<double>(h) * 3600.0;
      if (r_.pct(8)) {
        t = kAsOf + static_cast<double>(r_.range(1, 48)) * 3600.0;  // after the as-of time
        cov("data: event after as-of");
      }
      if (r_.pct(5)) t += static_cast<double>(r_.range(1, 59)) * 60;  // off the grid
      std::string user = r_.pick(users);
      if (r_.pct(4)) {
        // Other kinds of lines: identify messages, unknown types, missing user, garbage.
        switch (r_.range(0, 3)) {
          case 0:
            lines.emplace_back(t, R"({"type":"identify","userId":")" + user + R"(","traits":{"pn":)" + json_number() +
                               R"(,"ps":")" + r_.pick(kStrings) + R"("}})");
            cov("data: identify message");
            continue;
          case 1:
            lines.emplace_back(t, R"({"event":"open","timestamp":)" + time_text(t) + "}");
            cov("data: missing user id");
            continue;
          case 2:
            lines.emplace_back(t, R"({"user_id":")" + user + R"(","event":"open","timestamp":"not a time"})");
            cov("data: malformed line");
            continue;
          default: break;
        }
      }
      std::string line = R"({"user_id":")" + user + R"(","event":")";
      const EventDecl* ev = nullptr;
      if (r_.pct(6)) {
        line += "mystery";
        cov("data: unknown event type");
      } else {
        ev = &r_.pick(events_);
        line += ev->name;
      }
      line += R"(","timestamp":)" + time_text(t);
      if (ev) {
        for (const auto& p : ev->props) {
          auto v = json_value(p.ty);
          if (!v) {
            cov("data: missing property");
            continue;
          }
          line += ",\"" + p.name + "\":" + *v;
        }
      }
      if (r_.pct(5)) line += R"(,"unrelated":42)";
      lines.emplace_back(t, line + "}");
    }
    // Streamed runs with caps or limits need each user's events in time order across
    // chunks; the file order is otherwise random (out-of-order lines, ties).
    bool stream = r_.pct(15);
    if (stream)
      std::stable_sort(lines.begin(), lines.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (auto& l : lines) c.events.push_back(std::move(l.second));
    if (r_.pct(85)) profiles(c, users);
    if (stream) {
      c.stream = true;
      c.chunk_events = static_cast<size_t>(r_.range(1, 8));
      cov("stream mode");
    }
  }

  void profiles(Case& c, const std::vector<std::string>& users) {
    std::vector<std::string> cols = {"pn", "pn2", "ps", "pb", "pt", "pl"};
    for (size_t i = cols.size(); i > 1; --i) std::swap(cols[i - 1], cols[r_.index(i)]);
    if (r_.pct(15)) {
      cols.pop_back();  // a declared attribute with no column: null for everyone
      cov("data: profile column missing");
    }
    std::string header = "user_id";
    for (auto& col : cols) header += "," + col;
    c.profiles.push_back(header);
    std::vector<std::string> ids = users;
    ids.push_back("p1");  // a user with a profile and no events
    for (const auto& id : ids) {
      int rows = r_.pct(15) ? 2 : r_.pct(20) ? 0 : 1;
      for (int k = 0; k < rows; ++k) {
        std::string row = id;
        for (auto& col : cols) row += "," + profile_value(col);
        c.profiles.push_back(row);
      }
    }
  }

  std::string profile_value(const std::string& col) {
    if (r_.pct(15)) {
      cov("data: empty profile field");
      return "";
    }
    bool wrong = r_.pct(6);
    if (wrong) cov("data: profile wrong type");
    if (col == "pn" || col == "pn2") {
      if (wrong) return r_.pick({"abc", "nan", "inf", "x"});
      return r_.pick({"0", "1", "2", "3.5", "-2", "10", "100", "0.25", "1e6", "-0"});
    }
    if (col == "ps") return wrong ? "" : r_.pick(kStrings);
    if (col == "pb") return wrong ? "maybe" : r_.pick({"true", "false", "1", "0", "yes", "no"});
    if (col == "pt") {
      if (wrong) return "not a time";
      return r_.pick({"2024-01-01", "2024-02-15T08:00:00Z", "2023-06-30", "1706745600", "2024-02-29", "2024-03-05"});
    }
    // pl: list<string>, `|`-separated
    if (wrong) return "";
    int n = static_cast<int>(r_.range(0, 3));
    std::string s;
    for (int i = 0; i < n; ++i) s += (i ? "|" : "") + r_.pick(kListItems);
    return s;
  }

  Rng r_;
  Coverage* cov_;
  std::vector<EventDecl> events_;
  std::vector<Field> profile_;
  std::vector<Field> consts_;
  std::vector<ScoreInfo> scores_;
  std::vector<GradeInfo> grades_;
  Ctx ctx_ = Ctx::User;
  int event_ = 0;
  int segment_index_ = 0;
};

}  // namespace

Case generate_case(uint64_t seed, Coverage* coverage) { return Generator(seed, coverage).run(); }

std::string builtin_feature(builtins::Id id) {
  const builtins::Info& info = builtins::info(id);
  size_t same_name = 0;
  for (const auto& other : builtins::all()) same_name += other.name == info.name;
  std::string out = "fn " + std::string(info.name);
  if (same_name == 1) return out;
  std::string params;
  for (ir::Type t : info.signatures.at(0).params) params += (params.empty() ? "" : ", ") + std::string(ir::type_name(t));
  return out + "(" + params + ")";
}

std::vector<std::string> must_cover() {
  std::vector<std::string> out = {
      "window", "cap per", "cap lifetime", "once", "limit per", "limit lifetime", "negative weight", "op /", "op %",
      "op ??", "null literal", "and", "or", "not", "in [strings]", "not in [strings]", "in list<string>",
      "not in list<string>", "in [numbers]", "fn has", "fn len", "agg window", "agg no window", "fn days_since",
      "fn hours_since", "as_of", "tiers threshold form", "tiers range form", "grade", "segment",
      "segment reads tier", "segment reads segment", "segment reads grade letter", "segment reads score",
      "segment reads grade points", "const", "const from const", "when term", "on rule with condition",
      "expression weight", "data: event after as-of", "data: unknown event type", "data: json null",
      "data: wrong type", "data: missing property", "data: empty profile field", "data: profile wrong type",
      "data: identify message", "data: malformed line", "data: missing user id", "data: epoch seconds",
      "data: epoch millis", "data: zoned timestamp", "data: profile column missing", "stream mode"};
  for (size_t i = 0; i < builtins::all().size(); ++i) out.push_back(builtin_feature(static_cast<builtins::Id>(i)));
  for (uint8_t k = 0; k < ir::kAggKindCount; ++k)
    out.push_back("agg " + std::string(ir::agg_info(static_cast<ir::AggKind>(k)).name));
  for (uint8_t k = 0; k < ir::kDecayKindCount; ++k)
    out.push_back("decay " + std::string(ir::decay_info(static_cast<ir::DecayKind>(k)).name));
  for (uint8_t k = 0; k < ir::kScaleKindCount; ++k)
    out.push_back("scale " + std::string(ir::scale_name(static_cast<ir::ScaleKind>(k))));
  return out;
}

}  // namespace scorec::difftest
