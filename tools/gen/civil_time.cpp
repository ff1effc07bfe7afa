#include "civil_time.h"

#include <charconv>

namespace scorec::gen {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

namespace {

void put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

size_t format_date(char* buf, int64_t day) {
  const CivilDate c = civil_from_days(day);
  // Years outside 0..9999 are not ISO-8601 basic; synthetic data never gets
  // there, but stay well-defined by printing the number as-is.
  size_t n = 0;
  if (c.year >= 0 && c.year <= 9999) {
    const auto y = static_cast<unsigned>(c.year);
    put2(buf, y / 100);
    put2(buf + 2, y % 100);
    n = 4;
  } else {
    auto r = std::to_chars(buf, buf + 8, c.year);
    n = static_cast<size_t>(r.ptr - buf);
  }
  buf[n] = '-';
  put2(buf + n + 1, c.month);
  buf[n + 3] = '-';
  put2(buf + n + 4, c.day);
  buf[n + 6] = 'T';
  return n + 7;
}

bool parse_uint(std::string_view s, unsigned& out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

void IsoFormatter::append(std::string& out, int64_t epoch_s) {
  const int64_t day = floor_div(epoch_s, kSecondsPerDay);
  if (day != day_) {
    day_ = day;
    date_len_ = format_date(date_, day);
  }
  const auto sod = static_cast<unsigned>(epoch_s - day * kSecondsPerDay);
  char tail[9];
  put2(tail, sod / 3600);
  tail[2] = ':';
  put2(tail + 3, sod / 60 % 60);
  tail[5] = ':';
  put2(tail + 6, sod % 60);
  tail[8] = 'Z';
  out.append(date_, date_len_);
  out.append(tail, sizeof tail);
}

void append_iso8601(std::string& out, int64_t epoch_s) {
  IsoFormatter f;
  f.append(out, epoch_s);
}

std::string format_iso8601(int64_t epoch_s) {
  std::string s;
  append_iso8601(s, epoch_s);
  return s;
}

std::optional<int64_t> parse_utc_time(std::string_view text) {
  const bool all_digits = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  if (all_digits) {
    int64_t v = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc()) return std::nullopt;
    return v;
  }
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  unsigned y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
  if (!parse_uint(text.substr(0, 4), y) || !parse_uint(text.substr(5, 2), m) || !parse_uint(text.substr(8, 2), d))
    return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  if (text.size() > 10) {
    // "THH:MM:SSZ" or " HH:MM:SSZ"; a trailing Z is optional but nothing else.
    std::string_view t = text.substr(10);
    if (t.back() == 'Z') t.remove_suffix(1);
    if (t.size() != 9 || (t[0] != 'T' && t[0] != ' ') || t[3] != ':' || t[6] != ':') return std::nullopt;
    if (!parse_uint(t.substr(1, 2), hh) || !parse_uint(t.substr(4, 2), mm) || !parse_uint(t.substr(7, 2), ss))
      return std::nullopt;
    if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  }
  const int64_t days = days_from_civil(y, m, d);
  if (civil_from_days(days).day != d) return std::nullopt;  // e.g. 2023-02-30
  return days * kSecondsPerDay + hh * 3600 + mm * 60 + ss;
}

}  // namespace scorec::gen
