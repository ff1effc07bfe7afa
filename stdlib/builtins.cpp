#include "stdlib/builtins.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>

#include "runtime/value_pools.h"

namespace scorec::builtins {
namespace {

using T = ir::Type;
constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

double b_min(const double* a, int n, StringContext*) {
  double v = a[0];
  for (int i = 1; i < n; ++i) v = std::min(v, a[i]);
  return v;
}
double b_max(const double* a, int n, StringContext*) {
  double v = a[0];
  for (int i = 1; i < n; ++i) v = std::max(v, a[i]);
  return v;
}
double b_clamp(const double* a, int, StringContext*) { return a[1] > a[2] ? kNull : std::clamp(a[0], a[1], a[2]); }
double b_abs(const double* a, int, StringContext*) { return std::fabs(a[0]); }
double b_log(const double* a, int, StringContext*) { return a[0] > 0 ? std::log(a[0]) : kNull; }
double b_log10(const double* a, int, StringContext*) { return a[0] > 0 ? std::log10(a[0]) : kNull; }
double b_sqrt(const double* a, int, StringContext*) { return a[0] >= 0 ? std::sqrt(a[0]) : kNull; }
// Half away from zero, as people round; round(x, digits) rounds to that many decimals.
double b_round(const double* a, int n, StringContext*) {
  if (n == 1) return std::round(a[0]);
  double scale = std::pow(10.0, std::trunc(a[1]));
  return std::round(a[0] * scale) / scale;
}
double b_floor(const double* a, int, StringContext*) { return std::floor(a[0]); }
double b_ceil(const double* a, int, StringContext*) { return std::ceil(a[0]); }
double b_pow(const double* a, int, StringContext*) {
  double r = std::pow(a[0], a[1]);
  return std::isfinite(r) ? r : kNull;
}
double b_exp(const double* a, int, StringContext*) {
  double r = std::exp(a[0]);
  return std::isfinite(r) ? r : kNull;
}

std::string_view str(StringContext* c, double id) { return c->strings->get(static_cast<uint32_t>(id)); }

double b_contains(const double* a, int, StringContext* c) {
  return str(c, a[0]).find(str(c, a[1])) != std::string_view::npos ? 1 : 0;
}
double b_starts_with(const double* a, int, StringContext* c) { return str(c, a[0]).starts_with(str(c, a[1])) ? 1 : 0; }
double b_ends_with(const double* a, int, StringContext* c) { return str(c, a[0]).ends_with(str(c, a[1])) ? 1 : 0; }
double b_lower(const double* a, int, StringContext* c) {
  std::string s(str(c, a[0]));
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return c->strings->intern(s);
}
double b_upper(const double* a, int, StringContext* c) {
  std::string s(str(c, a[0]));
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return c->strings->intern(s);
}
double b_len(const double* a, int, StringContext* c) { return static_cast<double>(str(c, a[0]).size()); }
double b_list_len(const double* a, int, StringContext* c) {
  return static_cast<double>(c->lists->get(static_cast<uint32_t>(a[0])).size());
}

std::vector<Info> make_registry() {
  std::vector<Info> r = {
      {Id::Min, "min", {{{T::Number, T::Number}, T::Number, true}, {{T::Duration, T::Duration}, T::Duration, true}, {{T::Timestamp, T::Timestamp}, T::Timestamp, true}}, NullPolicy::NullInNullOut, b_min, "min(a, b, ...): the smallest value"},
      {Id::Max, "max", {{{T::Number, T::Number}, T::Number, true}, {{T::Duration, T::Duration}, T::Duration, true}, {{T::Timestamp, T::Timestamp}, T::Timestamp, true}}, NullPolicy::NullInNullOut, b_max, "max(a, b, ...): the largest value"},
      {Id::Clamp, "clamp", {{{T::Number, T::Number, T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_clamp, "clamp(x, lo, hi): x limited to lo..hi"},
      {Id::Abs, "abs", {{{T::Number}, T::Number}, {{T::Duration}, T::Duration}}, NullPolicy::NullInNullOut, b_abs, "abs(x)"},
      {Id::Log, "log", {{{T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_log, "log(x): natural logarithm; null for x <= 0"},
      {Id::Log10, "log10", {{{T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_log10, "log10(x); null for x <= 0"},
      {Id::Sqrt, "sqrt", {{{T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_sqrt, "sqrt(x); null for x < 0"},
      {Id::Round, "round", {{{T::Number}, T::Number}, {{T::Number, T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_round, "round(x) or round(x, decimals), halves away from zero"},
      {Id::Floor, "floor", {{{T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_floor, "floor(x)"},
      {Id::Ceil, "ceil", {{{T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_ceil, "ceil(x)"},
      {Id::Pow, "pow", {{{T::Number, T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_pow, "pow(x, y): x to the power y"},
      {Id::Exp, "exp", {{{T::Number}, T::Number}}, NullPolicy::NullInNullOut, b_exp, "exp(x)"},
      {Id::Contains, "contains", {{{T::String, T::String}, T::Bool}}, NullPolicy::NullInNullOut, b_contains, "contains(text, part)"},
      {Id::StartsWith, "starts_with", {{{T::String, T::String}, T::Bool}}, NullPolicy::NullInNullOut, b_starts_with, "starts_with(text, prefix)"},
      {Id::EndsWith, "ends_with", {{{T::String, T::String}, T::Bool}}, NullPolicy::NullInNullOut, b_ends_with, "ends_with(text, suffix)"},
      {Id::Lower, "lower", {{{T::String}, T::String}}, NullPolicy::NullInNullOut, b_lower, "lower(text)"},
      {Id::Upper, "upper", {{{T::String}, T::String}}, NullPolicy::NullInNullOut, b_upper, "upper(text)"},
      {Id::Len, "len", {{{T::String}, T::Number}}, NullPolicy::NullInNullOut, b_len, "len(text) or len(list)"},
      {Id::ListLen, "len", {{{T::StringList}, T::Number}}, NullPolicy::NullInNullOut, b_list_len, "len(list)"},
  };
  return r;
}

}  // namespace

const std::vector<Info>& all() {
  static const std::vector<Info> registry = make_registry();
  return registry;
}

const Info& info(Id id) { return all()[static_cast<size_t>(id)]; }

const Info* find(std::string_view name) {
  for (const auto& i : all())
    if (i.name == name) return &i;
  return nullptr;
}

}  // namespace scorec::builtins
