// Instants and durations. An instant is seconds since the Unix epoch (UTC) as a
// double: microsecond-exact for any date people score, and the same number type as
// every other value, so the interpreter and the JIT treat times like numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scorec {

constexpr double kSecondsPerDay = 86400.0;

// The instants scorec represents: 0001-01-01T00:00:00Z up to, not including,
// 10000-01-01T00:00:00Z -- the years ISO-8601 writes with four digits, so that every
// one of them formats (format_iso8601) and parses back (parse_iso8601), and every
// difference of two is an exact-enough double. Inputs outside it (an event time of
// 1e300, --as-of in year 292277026596) are refused where they enter (docs/input.md).
constexpr double kMinTime = -62135596800.0;  // 0001-01-01T00:00:00Z
constexpr double kEndTime = 253402300800.0;  // 10000-01-01T00:00:00Z, excluded
// False for NaN too.
inline bool time_in_range(double t) { return t >= kMinTime && t < kEndTime; }
// "0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z", for messages.
const char* time_range_text();

// ISO-8601: 2024-03-01, 2024-03-01T10:00:00Z, 2024-03-01 10:00:00, fractional seconds,
// and a zone as Z, +hh:mm, +hhmm or a trailing " UTC". No zone means UTC. Like
// parse_time_format, it never returns an instant outside the range above.
std::optional<double> parse_iso8601(std::string_view text);

// A strftime-style format with %Y %m %d %H %M %S %y %b %e %j %z %Z and %%, plus %s (epoch seconds);
// fields missing from the format default to the epoch's. `utc_offset_seconds` applies when
// the text names no zone.
std::optional<double> parse_time_format(std::string_view text, std::string_view format,
                                        double utc_offset_seconds = 0);

// "+01:00", "-0530", "UTC", "Z" -> offset in seconds east of UTC.
std::optional<double> parse_utc_offset(std::string_view text);

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d);

// 2024-03-01T10:00:00Z; fractional seconds only when present. An instant outside the
// range above (or NaN, or an infinity) is written as its epoch-seconds number ("1e+300",
// "nan"): never a made-up date, and never undefined behaviour.
std::string format_iso8601(double epoch_seconds);

// 45s, 90min, 12h, 1.5h, 30d, 2w, 6mo (30 days) -> seconds; nullopt when it is not a
// duration literal (a bare `m` is not: minutes or months?).
std::optional<double> parse_duration(std::string_view text);

// The shortest literal that reads back as `seconds`: 30d, 12h, 90m, 45s.
std::string format_duration(double seconds);

}  // namespace scorec
