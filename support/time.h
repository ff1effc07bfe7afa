// Instants and durations. An instant is seconds since the Unix epoch (UTC) as a
// double: microsecond-exact for any date people score, and the same number type as
// every other value, so the interpreter and the JIT treat times like numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scorec {

constexpr double kSecondsPerDay = 86400.0;

// ISO-8601: 2024-03-01, 2024-03-01T10:00:00Z, 2024-03-01 10:00:00, fractional seconds,
// and a zone as Z, +hh:mm, +hhmm or a trailing " UTC". No zone means UTC.
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

// 2024-03-01T10:00:00Z; fractional seconds only when present.
std::string format_iso8601(double epoch_seconds);

// 45s, 90min, 12h, 1.5h, 30d, 2w, 6mo (30 days) -> seconds; nullopt when it is not a
// duration literal (a bare `m` is not: minutes or months?).
std::optional<double> parse_duration(std::string_view text);

// The shortest literal that reads back as `seconds`: 30d, 12h, 90m, 45s.
std::string format_duration(double seconds);

}  // namespace scorec
