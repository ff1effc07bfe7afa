// Small text helpers shared by the frontend, the readers and the writers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scorec {

// The closest candidate within a small edit distance, for "did you mean ...?" hints.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

size_t edit_distance(std::string_view a, std::string_view b);

// A number as output shows it: at most 6 decimals, trailing zeros dropped, no "-0".
// Rounding this way keeps the output of two engines that agree to 1e-9 identical.
std::string format_number(double v);

// Parses a whole field as a number ("17850.0", "-3", "1e3"); nullopt otherwise.
std::optional<double> parse_number(std::string_view text);

std::string_view trim(std::string_view s);

// The length of the UTF-8 sequence starting at s[i], or 0 when it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are not).
size_t utf8_sequence_length(std::string_view s, size_t i);

// The offset of the first byte of `s` that is not valid UTF-8; npos when all are.
size_t first_invalid_utf8(std::string_view s);

}  // namespace scorec
