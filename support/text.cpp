#include "support/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include <fast_float/fast_float.h>
#include <fmt/format.h>

namespace scorec {

std::string join_or(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += (i + 1 == items.size()) ? " or " : ", ";
    out += items[i];
  }
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      // Adjacent transposition counts as one edit: "emial" -> "email".
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev[j - 1]);  // approximation of OSA, good enough for hints
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string event_name_key(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  auto is_lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == ' ' || c == '-' || c == '.' || c == '_') {
      if (out.empty() || out.back() != '_') out += '_';
    } else if (c >= 'A' && c <= 'Z') {
      if (i > 0 && is_lower_or_digit(name[i - 1])) out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // A name that is a whole part of a declared one (`unsubscribe` of `email_unsubscribe`)
  // is what the author meant more surely than any name a few letters away.
  if (word.size() >= 3)
    for (const auto& c : candidates) {
      std::string padded = "_" + c + "_";
      if (c != word && padded.find("_" + std::string(word) + "_") != std::string::npos) return c;
    }
  std::optional<std::string> best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    if (c == word) continue;
    size_t d = edit_distance(word, c);
    if (d < best_d && d < word.size()) {  // never "Z" -> "A": a hint must keep something of the word
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{:.6f}", v);
  auto dot = s.find('.');
  if (dot != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::optional<double> parse_number(std::string_view t) {
  t = trim(t);
  if (t.empty()) return std::nullopt;
  if (t.front() == '+') t.remove_prefix(1);
  double v = 0;
  // fast_float: several times faster than libstdc++'s from_chars for doubles and
  // rounds the same. Out-of-range texts (1e-400, 1e400) go to from_chars, which refuses
  // them; fast_float would give 0 or inf.
  auto [ptr, ec] = fast_float::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  if (v == 0 || !std::isfinite(v) || std::fabs(v) < std::numeric_limits<double>::min()) {
    auto [p2, ec2] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec2 != std::errc() || p2 != t.data() + t.size()) return std::nullopt;
  }
  if (!std::isfinite(v)) return std::nullopt;  // "nan", "inf": null is how the language says "no number"
  return v;
}

size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  if (n == 1) return 1;
  // Decode, then refuse what RFC 3629 forbids: overlong forms, surrogates, beyond U+10FFFF.
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::optional<size_t> invalid_utf8_at(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string group_digits(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "\xEF\xBF\xBD";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace scorec
