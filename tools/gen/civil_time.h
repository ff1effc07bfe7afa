// UTC calendar arithmetic and ISO-8601 formatting without gmtime/timegm:
// those depend on the C library and time zone settings, and are slow per call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scorec::gen {

inline constexpr int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

struct CivilDate {
  int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};
CivilDate civil_from_days(int64_t days);

// Floor division, so that times before 1970 land on the right day.
inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// "2024-01-03T10:15:00Z" appended to `out` (whole seconds, UTC).
void append_iso8601(std::string& out, int64_t epoch_s);
std::string format_iso8601(int64_t epoch_s);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" (also with a space instead of
// 'T') or plain epoch seconds. Returns nullopt on anything else.
std::optional<int64_t> parse_utc_time(std::string_view text);

// Caches the "YYYY-MM-DDT" part because events arrive in time order, so the
// date changes rarely; only hh:mm:ss is formatted per call.
class IsoFormatter {
 public:
  void append(std::string& out, int64_t epoch_s);

 private:
  int64_t day_ = INT64_MIN;
  char date_[16] = {};
  size_t date_len_ = 0;
};

}  // namespace scorec::gen
