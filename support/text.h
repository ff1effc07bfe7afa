// Small text helpers shared by the frontend, the readers and the writers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scorec {

// The closest candidate within a small edit distance, for "did you mean ...?" hints.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

size_t edit_distance(std::string_view a, std::string_view b);

// "a", "a or b", "a, b or c": a list of choices for a hint.
std::string join_or(const std::vector<std::string>& items);

// An event name in one spelling, so that a tracking plan's `Order Completed`,
// `order-completed`, `order.completed` and `OrderCompleted` all read as the declared
// `order_completed`: ASCII letters lower-cased; a space, `-`, `.` or `_` is a `_`, a
// run of them one `_`; and a `_` goes between a lower-case letter or digit and the
// upper-case letter after it (a CamelCase boundary: `orderCompleted`, `Step2Done`).
// Other bytes are kept as they are. Readers match input names by it; the checker
// refuses two declared events with one key; the run summary's did-you-mean uses it.
std::string event_name_key(std::string_view name);

// A number as output shows it: at most 6 decimals, trailing zeros dropped, no "-0".
// Rounding this way keeps the output of two engines that agree to 1e-9 identical.
std::string format_number(double v);

// A count with its thousands separated by commas (1234567 -> "1,234,567"), for people
// reading a terminal; files and pipes get plain digits.
std::string group_digits(uint64_t n);

// Parses a whole field as a number ("17850.0", "-3", "1e3"); nullopt otherwise.
std::optional<double> parse_number(std::string_view text);

std::string_view trim(std::string_view s);

// The length of the UTF-8 sequence starting at s[i], or 0 when it is not valid: a bad
// or missing continuation byte, an overlong form, a surrogate (U+D800..DFFF, as CESU-8
// writes them) or a code point above U+10FFFF.
size_t utf8_sequence_length(std::string_view s, size_t i);

// The offset of the first byte of `s` that does not start a valid UTF-8 sequence.
std::optional<size_t> invalid_utf8_at(std::string_view s);

// Text for an XML or HTML document, as element text or a quoted attribute value: the
// five escapes (& < > " '), and the control characters XML 1.0 cannot hold at all as
// U+FFFD (tab, line feed and carriage return are kept).
std::string xml_escape(std::string_view s);

}  // namespace scorec
