#include "frontend/encoding.h"

#include <fmt/format.h>

#include "support/text.h"

namespace scorec::frontend {
namespace {

// Windows-1252's characters for bytes 0x80..0x9F; 0 where it has none. Above 0x9F it
// is Latin-1, whose bytes are the code points themselves.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char32_t cp1252(unsigned char b) { return b >= 0x80 && b < 0xA0 ? kCp1252High[b - 0x80] : b; }

std::string to_utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// Text in a single-byte Windows encoding has high bytes but never a valid multi-byte
// UTF-8 sequence (a real UTF-8 file with one stray byte has plenty), and every high
// byte is a character there.
bool looks_like_cp1252(std::string_view text) {
  bool any_high = false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) continue;
    any_high = true;
    if (utf8_sequence_length(text, i) > 1 || cp1252(b) == 0) return false;
  }
  return any_high;
}

}  // namespace

bool check_utf8(const SourceManager& sources, int file, Diagnostics& diags) {
  std::string_view text = sources.text(file);
  auto at = invalid_utf8_at(text);
  if (!at) return true;
  size_t bad = *at;
  // Columns count code points, as everywhere; the bytes before `bad` are valid.
  size_t line_start = bad == 0 ? std::string_view::npos : text.rfind('\n', bad - 1);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  Loc loc{file, 1, 1, 1};
  for (size_t i = 0; i < line_start; ++i) loc.line += text[i] == '\n';
  for (size_t i = line_start; i < bad; i += utf8_sequence_length(text, i)) ++loc.col;
  auto b = static_cast<unsigned char>(text[bad]);
  std::string hint = "save the file as UTF-8";
  if (looks_like_cp1252(text))
    hint = fmt::format(
        "this looks like Latin-1 / Windows-1252 text (byte 0x{:02X} is '{}' there), as editors on Windows save it; "
        "save the file as UTF-8, or convert it: iconv -f WINDOWS-1252 -t UTF-8",
        b, to_utf8(cp1252(b)));
  diags.error("E053", loc, fmt::format("not UTF-8: byte 0x{:02X} is not valid UTF-8 text", b), std::move(hint));
  return false;
}

}  // namespace scorec::frontend
