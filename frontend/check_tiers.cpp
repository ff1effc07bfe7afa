// Scales, and the proof that tiers and grade letters cover their range with no gap,
// overlap or unreachable tier.
#include <cmath>
#include <map>
#include <set>

#include "frontend/checker_impl.h"
#include "frontend/limits.h"

namespace scorec::frontend::detail {

void Checker::check_scale(const ScaleSpec& sc, ir::Score& out) {
  auto int_range = [&](const Range& r, int64_t& a, int64_t& b) {
    auto lo = constant(r.lo.get(), Type::Number, "the low end of the range", r.loc);
    auto hi = constant(r.hi.get(), Type::Number, "the high end of the range", r.loc);
    if (!lo || !hi) return false;
    // Scaled scores are whole numbers computed in doubles: the ends and every number
    // between them must be exact, so both ends lie within +-2^53 and the range holds at
    // most 2^53 numbers (this also keeps the conversion to int64 below defined).
    if (!(std::fabs(*lo) <= kMaxScaled) || !(std::fabs(*hi) <= kMaxScaled)) {
      diags_.error("E035", r.loc,
                   fmt::format("the range {}..{} is out of bounds: a scaled score's range must lie within "
                               "-9007199254740992..9007199254740992 (2^53), where every whole number is exact",
                               *lo, *hi),
                   "scale to a small range, like 1..10 or 0..100");
      return false;
    }
    if (*lo != std::floor(*lo) || *hi != std::floor(*hi)) {
      diags_.error("E035", r.loc, "a scaled score's range must be whole numbers, like 1..10");
      return false;
    }
    if (*lo >= *hi) {
      diags_.error("E035", r.loc, fmt::format("the range {}..{} is empty: its low end must be below its high end",
                                      format_number(*lo), format_number(*hi)));
      return false;
    }
    if (*hi - *lo >= kMaxScaled) {
      diags_.error("E035", r.loc,
                   fmt::format("the range {}..{} is too wide: a scaled score's range holds at most 2^53 whole numbers",
                               *lo, *hi),
                   "scale to a small range, like 1..10 or 0..100");
      return false;
    }
    a = static_cast<int64_t>(*lo);
    b = static_cast<int64_t>(*hi);
    return true;
  };
  if (sc.kind == "linear") {
    if (!sc.to) {
      diags_.error("E035", sc.loc, "a linear scale needs a target range", "write 'scale linear 0..100 to 1..10'");
      return;
    }
    auto lo = constant(sc.from.lo.get(), Type::Number, "the low end of the raw range", sc.from.loc);
    auto hi = constant(sc.from.hi.get(), Type::Number, "the high end of the raw range", sc.from.loc);
    if (!lo || !hi) return;
    // (raw - lo) / (hi - lo) needs a finite, non-zero width.
    if (!std::isfinite(*lo) || !std::isfinite(*hi) || !std::isfinite(*hi - *lo)) {
      diags_.error("E035", sc.from.loc,
                   fmt::format("the raw range {}..{} is too wide: its ends and its width must be finite numbers "
                               "(at most about 1.8e308)",
                               *lo, *hi),
                   "use the range the raw scores actually span, like 0..100");
      return;
    }
    if (*lo >= *hi) {
      diags_.error("E035", sc.from.loc, fmt::format("the raw range {}..{} is empty: its low end must be below its high end",
                                            format_number(*lo), format_number(*hi)));
      return;
    }
    int64_t a, b;
    if (!int_range(*sc.to, a, b)) return;
    out.scale = {ir::ScaleKind::Linear, *lo, *hi, a, b};
  } else if (sc.kind == "percentile") {
    if (sc.to) {
      diags_.error("E035", sc.to->loc, "a percentile scale has one range, the target", "write 'scale percentile 1..10'");
      return;
    }
    int64_t a, b;
    if (!int_range(sc.from, a, b)) return;
    out.scale = {ir::ScaleKind::Percentile, 0, 0, a, b};
  } else {
    auto m = closest_match(sc.kind, {"linear", "percentile"});
    diags_.error("E015", sc.kind_loc, fmt::format("unknown scale '{}'", sc.kind),
                 m ? fmt::format("did you mean '{}'?", *m)
                   : "use 'scale linear 0..100 to 1..10' or 'scale percentile 1..10'");
  }
}

std::vector<ir::Tier> Checker::check_tiers(const TierList& tl, const ir::Scale& scale, const char* what,
                                  const std::string& owner) {
  std::vector<ir::Tier> tiers;
  std::set<std::string> names;
  bool ok = true;
  for (const auto& t : tl.tiers) {
    if (!names.insert(t.name).second) {
      diags_.error("E017", t.loc, fmt::format("{} '{}' appears twice in '{}'", what, t.name, owner));
      ok = false;
    }
    ir::Tier out;
    out.name = t.name;
    out.name_string = b_.intern_string(t.name);
    if (t.threshold) {
      auto v = constant(t.threshold.get(), Type::Number, "a threshold", t.loc);
      if (!v) { ok = false; continue; }
      out.kind = ir::Tier::Threshold;
      out.min = *v;
    } else if (t.range) {
      auto lo = constant(t.range->lo.get(), Type::Number, "the low end of the range", t.range->loc);
      auto hi = constant(t.range->hi.get(), Type::Number, "the high end of the range", t.range->loc);
      if (!lo || !hi) { ok = false; continue; }
      if (*lo > *hi) {
        diags_.error("E035", t.range->loc, fmt::format("the range {}..{} is empty", format_number(*lo), format_number(*hi)));
        ok = false;
        continue;
      }
      out.kind = ir::Tier::Range;
      out.min = *lo;
      out.max = *hi;
    } else {
      out.kind = ir::Tier::CatchAll;
    }
    tiers.push_back(out);
  }
  if (!ok || tiers.empty()) return tiers;
  const auto& tl_tiers = tl.tiers;
  auto tier_loc = [&](size_t i) { return tl_tiers[i].loc; };

  // A catch-all anywhere but last hides the tiers after it.
  for (size_t i = 0; i + 1 < tiers.size(); ++i) {
    if (tiers[i].kind == ir::Tier::CatchAll) {
      diags_.error("E032", tier_loc(i + 1), fmt::format("{} '{}' can never be reached", what, tiers[i + 1].name),
                   fmt::format("'{}' has no threshold, so it takes every value; put it last", tiers[i].name));
      return tiers;
    }
  }

  bool integer_scale = scale.kind != ir::ScaleKind::None;
  if (!integer_scale) {
    for (size_t i = 0; i < tiers.size(); ++i) {
      if (tiers[i].kind == ir::Tier::Range) {
        diags_.error("E033", tier_loc(i), fmt::format("{} '{}' uses a range, but '{}' is not scaled to whole numbers", what, tiers[i].name, owner),
                     std::string(what) == "letter" ? "grades add up points; give letters thresholds, like 'A >= 40'"
                                                   : "use thresholds like 'hot >= 70', or add 'scale linear 0..100 to 1..10'");
        return tiers;
      }
    }
    // Thresholds over real numbers: they must strictly decrease, and the last tier must catch the rest.
    for (size_t i = 1; i < tiers.size(); ++i) {
      if (tiers[i].kind == ir::Tier::Threshold && tiers[i].min >= tiers[i - 1].min) {
        diags_.error("E032", tier_loc(i), fmt::format("{} '{}' can never be reached", what, tiers[i].name),
                     fmt::format("'{}' above it already takes every value >= {}; order thresholds from high to low",
                                 tiers[i - 1].name, format_number(tiers[i - 1].min)));
        return tiers;
      }
    }
    if (tiers.back().kind != ir::Tier::CatchAll) {
      diags_.error("E030", tier_loc(tiers.size() - 1),
                   fmt::format("values below {} have no {}", format_number(tiers.back().min), what),
                   fmt::format("end with a catch-all {} that has no threshold, like '{}'", what,
                               std::string(what) == "letter" ? "F" : "cold"));
    }
    return tiers;
  }

  if (scale.b - scale.a > 100000) {
    diags_.error("E035", tl.loc, "the scaled range is too wide to check its tiers", "scale to at most 100000 values");
    return tiers;
  }
  std::vector<int> hits(tiers.size(), 0);
  std::vector<int64_t> gaps;
  for (int64_t v = scale.a; v <= scale.b; ++v) {
    int first = -1, range_claims = 0, first_range = -1;
    for (size_t i = 0; i < tiers.size(); ++i) {
      const auto& t = tiers[i];
      bool match = t.kind == ir::Tier::CatchAll || (t.kind == ir::Tier::Threshold && v >= t.min) ||
                   (t.kind == ir::Tier::Range && v >= t.min && v <= t.max);
      if (!match) continue;
      if (t.kind == ir::Tier::Range) {
        if (++range_claims == 2) {
          diags_.error("E031", tier_loc(i), fmt::format("{}s '{}' and '{}' overlap: both claim {}", what,
                                                tiers[first_range].name, t.name, v));
          return tiers;
        }
        first_range = static_cast<int>(i);
      }
      if (first < 0) first = static_cast<int>(i);
    }
    if (first < 0) gaps.push_back(v);
    else hits[first]++;
  }
  if (!gaps.empty()) {
    std::string list;
    for (size_t i = 0; i < gaps.size() && i < 5; ++i) list += (i ? ", " : "") + std::to_string(gaps[i]);
    if (gaps.size() > 5) list += ", ...";
    diags_.error("E030", tl.loc, fmt::format("the {}s of '{}' leave a gap: {} {} {} no {}", what, owner,
                                     gaps.size() == 1 ? "score" : "scores", list, gaps.size() == 1 ? "has" : "have", what),
                 fmt::format("the scale gives every whole number from {} to {}; cover them all, or end with a catch-all", scale.a, scale.b));
  }
  for (size_t i = 0; i < tiers.size(); ++i) {
    if (hits[i] == 0) {
      const auto& t = tiers[i];
      // Out of the scale altogether (thresholds written for the raw score, or for another
      // scale) is a different mistake from being shadowed by the tiers above.
      bool above = t.kind != ir::Tier::CatchAll && t.min > static_cast<double>(scale.b);
      bool below = t.kind == ir::Tier::Range && t.max < static_cast<double>(scale.a);
      std::string why =
          t.kind == ir::Tier::CatchAll ? "the tiers above it already cover every score"
          : above ? fmt::format("{} is above the highest scaled score, {} (the scale is {}..{}); tiers apply to the "
                                "scaled score, so write them on that scale",
                                format_number(t.min), scale.b, scale.a, scale.b)
          : below ? fmt::format("{} is below the lowest scaled score, {} (the scale is {}..{})", format_number(t.max),
                                scale.a, scale.a, scale.b)
          : i == 0 ? fmt::format("scores go from {} to {}", scale.a, scale.b)
                   : fmt::format("scores go from {} to {}, and the tiers above take all it could match", scale.a, scale.b);
      diags_.error("E032", tier_loc(i), fmt::format("{} '{}' can never be reached", what, tiers[i].name), why);
    }
  }
  return tiers;
}

}  // namespace scorec::frontend::detail
