#include "runtime/report/readable_number.h"

#include "support/text.h"

#include <cmath>

#include <fmt/format.h>

namespace scorec::report {

std::string readable(double v) {
  if (std::isnan(v)) return "null";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double a = std::fabs(v);
  std::string sign = v < 0 ? "-" : "";
  int decimals = 0;
  if (a < 1e15 && std::fabs(v - std::round(v)) > 5e-7) {
    if (a < 10) decimals = std::max(2, a > 0 ? 1 - static_cast<int>(std::floor(std::log10(a))) : 2);
    else if (a < 1000) decimals = 1;
    decimals = std::min(decimals, 6);
  }
  std::string text = fmt::format("{:.{}f}", a, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  auto dot = text.find('.');
  std::string whole = text.substr(0, dot), fraction = dot == std::string::npos ? "" : text.substr(dot);
  if (a >= 1e15) return sign + whole + fraction;
  std::string out = sign + group_digits(std::stoull(whole)) + fraction;
  return out == "-0" ? "0" : out;
}

std::string percent(double share) {
  if (share > 0 && share < 0.0005) return "<0.1%";
  return fmt::format("{:.1f}%", share * 100);
}

}  // namespace scorec::report
