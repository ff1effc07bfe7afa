#include "support/time.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

namespace scorec {

const char* time_range_text() { return "0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"; }

long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

namespace {

struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() == c) { ++i; return true; }
    return false;
  }
  // Exactly n digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int k = 0; k < n; ++k) {
      if (done() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      out = out * 10 + (s[i++] - '0');
    }
    return true;
  }
  // 1..max digits.
  bool some_digits(int max, int& out) {
    out = 0;
    int n = 0;
    while (n < max && !done() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      out = out * 10 + (s[i++] - '0');
      ++n;
    }
    return n > 0;
  }
  void skip_spaces() {
    while (!done() && s[i] == ' ') ++i;
  }
};

bool valid_date(int y, int m, int d) {
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  if (d > mdays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

double to_epoch(int y, int mo, int d, int h, int mi, double sec) {
  return static_cast<double>(days_from_civil(y, mo, d)) * kSecondsPerDay + h * 3600.0 + mi * 60.0 + sec;
}

// Fractional seconds after the '.', as a value in [0, 1).
double fraction(Cursor& c) {
  double f = 0, scale = 0.1;
  while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek()))) {
    f += (c.s[c.i++] - '0') * scale;
    scale *= 0.1;
  }
  return f;
}

// Z | UTC | GMT | +hh:mm | +hhmm | +hh, with optional leading spaces.
std::optional<double> zone(Cursor& c) {
  c.skip_spaces();
  if (c.done()) return 0.0;
  auto rest = c.s.substr(c.i);
  if (rest == "Z" || rest == "z" || rest == "UTC" || rest == "GMT") {
    c.i = c.s.size();
    return 0.0;
  }
  auto off = parse_utc_offset(rest);
  if (off) c.i = c.s.size();
  return off;
}

}  // namespace

std::optional<double> parse_utc_offset(std::string_view t) {
  if (t == "Z" || t == "z" || t == "UTC" || t == "GMT") return 0.0;
  if (t.size() < 3 || (t[0] != '+' && t[0] != '-')) return std::nullopt;
  Cursor c{t, 1};
  int hh = 0, mm = 0;
  if (!c.digits(2, hh)) return std::nullopt;
  c.eat(':');
  if (!c.done() && !c.digits(2, mm)) return std::nullopt;
  if (!c.done() || hh > 23 || mm > 59) return std::nullopt;
  double off = hh * 3600.0 + mm * 60.0;
  return t[0] == '-' ? -off : off;
}

std::optional<double> parse_iso8601(std::string_view text) {
  Cursor c{text};
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (!c.digits(4, y) || !c.eat('-') || !c.digits(2, mo) || !c.eat('-') || !c.digits(2, d))
    return std::nullopt;
  if (!valid_date(y, mo, d)) return std::nullopt;
  double frac = 0;
  if (c.eat('T') || c.eat('t') || c.eat(' ')) {
    if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi)) return std::nullopt;
    if (c.eat(':')) {
      if (!c.digits(2, s)) return std::nullopt;
      if (c.eat('.') || c.eat(',')) frac = fraction(c);
    }
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  }
  auto off = zone(c);
  if (!off || !c.done()) return std::nullopt;
  double t = to_epoch(y, mo, d, h, mi, s + frac) - *off;
  if (!time_in_range(t)) return std::nullopt;  // year 0000, or an offset across the ends
  return t;
}

std::optional<double> parse_time_format(std::string_view text, std::string_view fmt,
                                        double utc_offset_seconds) {
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  Cursor c{text};
  int y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0;
  double frac = 0, off = utc_offset_seconds;
  bool have_epoch = false;
  double epoch = 0;
  for (size_t k = 0; k < fmt.size(); ++k) {
    char f = fmt[k];
    if (f != '%') {
      if (f == ' ') {
        c.skip_spaces();
        continue;
      }
      if (!c.eat(f)) return std::nullopt;
      continue;
    }
    if (++k >= fmt.size()) return std::nullopt;
    int v = 0;
    switch (fmt[k]) {
      case 'Y': if (!c.digits(4, y)) return std::nullopt; break;
      case 'y': if (!c.digits(2, v)) return std::nullopt; y = v < 69 ? 2000 + v : 1900 + v; break;
      case 'm': if (!c.some_digits(2, mo)) return std::nullopt; break;
      case 'd': if (!c.some_digits(2, d)) return std::nullopt; break;
      case 'e': c.skip_spaces(); if (!c.some_digits(2, d)) return std::nullopt; break;
      case 'H': if (!c.some_digits(2, h)) return std::nullopt; break;
      case 'M': if (!c.some_digits(2, mi)) return std::nullopt; break;
      case 'S':
        if (!c.some_digits(2, s)) return std::nullopt;
        if (c.peek() == '.' && (k + 1 >= fmt.size() || fmt[k + 1] != '.')) {
          c.eat('.');
          frac = fraction(c);
        }
        break;
      case 'j': {
        int doy;
        if (!c.some_digits(3, doy) || doy < 1 || doy > 366) return std::nullopt;
        mo = 1;
        d = doy;  // days_from_civil handles day overflow within the year arithmetically
        break;
      }
      case 'b': {
        if (c.i + 3 > c.s.size()) return std::nullopt;
        std::string m3;
        for (int q = 0; q < 3; ++q) m3 += static_cast<char>(std::tolower(static_cast<unsigned char>(c.s[c.i + q])));
        int found = -1;
        for (int q = 0; q < 12; ++q) if (m3 == kMonths[q]) found = q;
        if (found < 0) return std::nullopt;
        mo = found + 1;
        c.i += 3;
        while (!c.done() && std::isalpha(static_cast<unsigned char>(c.peek()))) ++c.i;
        break;
      }
      case 'z': case 'Z': {
        // The zone runs to the next literal character of the format, or the end.
        size_t end = c.s.size();
        if (k + 1 < fmt.size()) {
          auto pos = c.s.find(fmt[k + 1], c.i);
          if (pos != std::string_view::npos) end = pos;
        }
        auto z = parse_utc_offset(c.s.substr(c.i, end - c.i));
        if (!z) return std::nullopt;
        off = *z;
        c.i = end;
        break;
      }
      case 's': {
        size_t start = c.i;
        if (c.peek() == '-') ++c.i;
        while (!c.done() && (std::isdigit(static_cast<unsigned char>(c.peek())) || c.peek() == '.')) ++c.i;
        if (c.i == start) return std::nullopt;
        epoch = std::strtod(std::string(c.s.substr(start, c.i - start)).c_str(), nullptr);
        have_epoch = true;
        break;
      }
      case '%': if (!c.eat('%')) return std::nullopt; break;
      default: return std::nullopt;
    }
  }
  c.skip_spaces();
  if (!c.done()) return std::nullopt;
  if (have_epoch) return time_in_range(epoch) ? std::optional<double>(epoch) : std::nullopt;
  if (fmt.find("%j") == std::string_view::npos && !valid_date(y, mo, d)) return std::nullopt;
  if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  double t = to_epoch(y, mo, d, h, mi, s + frac) - off;
  if (!time_in_range(t)) return std::nullopt;
  return t;
}

std::string format_iso8601(double t) {
  // Outside the range the civil arithmetic below overflows (or, for NaN and the
  // infinities, converts what cannot be converted): write the number instead.
  if (!time_in_range(t)) return fmt::format("{}", t);
  double whole = std::floor(t);
  double frac = t - whole;
  long long secs = static_cast<long long>(whole);
  long long days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  long long rem = secs - days * 86400;
  // civil_from_days (Howard Hinnant)
  long long z = days + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, rem / 3600,
                                (rem % 3600) / 60, rem % 60);
  if (frac > 0) {
    std::string f = fmt::format("{:.6f}", frac).substr(1);  // ".250000"
    while (!f.empty() && f.back() == '0') f.pop_back();
    if (f.size() > 1) out += f;
  }
  return out + "Z";
}

std::optional<double> parse_duration(std::string_view t) {
  // The unit: the letters at the end. A bare `m` is refused (minutes or months?).
  size_t digits = t.size();
  while (digits > 0 && std::isalpha(static_cast<unsigned char>(t[digits - 1]))) --digits;
  std::string_view unit = t.substr(digits);
  double scale;
  if (unit == "s") scale = 1;
  else if (unit == "min") scale = 60;
  else if (unit == "h") scale = 3600;
  else if (unit == "d") scale = kSecondsPerDay;
  else if (unit == "w") scale = 7 * kSecondsPerDay;
  else if (unit == "mo") scale = 30 * kSecondsPerDay;
  else return std::nullopt;
  std::string num(t.substr(0, digits));
  char* end = nullptr;
  double v = std::strtod(num.c_str(), &end);
  if (end != num.c_str() + num.size() || num.empty()) return std::nullopt;
  return v * scale;
}

std::string format_duration(double seconds) {
  struct Unit { double s; char c; };
  static const Unit units[] = {{kSecondsPerDay, 'd'}, {3600, 'h'}, {60, 'm'}};
  for (auto u : units) {
    double q = seconds / u.s;
    if (seconds != 0 && q == std::floor(q)) return fmt::format("{}{}", q, u.c);
  }
  return fmt::format("{}s", seconds);
}

}  // namespace scorec
