#include "runtime/io/reader_common.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/io/value_convert.h"
#include "support/text.h"

namespace scorec::runtime {

Expected<std::unique_ptr<ChunkBuffer>> open_chunks(const std::string& path, const ReaderOptions& options) {
  auto in = InputStream::open(path);
  if (!in) return in.error();
  return std::make_unique<ChunkBuffer>(std::move(*in), options.block_size);
}

Expected<InputFormat> detect_format(const std::string& path, const FieldMapping& mapping, ChunkBuffer& buf) {
  if (mapping.format != InputFormat::Auto) return mapping.format;
  InputFormat f = format_from_path(path);
  if (f != InputFormat::Auto) return f;
  // Sniffing reads the first block; the readers then start from the same bytes.
  while (buf.size() < 4 && !buf.eof()) {
    auto more = buf.fill();
    if (!more) return more.error();
  }
  std::string_view head(buf.data(), buf.size());
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  head = trim(head);
  return !head.empty() && head.front() == '{' ? InputFormat::Ndjson : InputFormat::Csv;
}

CsvDialect csv_dialect(const std::string& path, const FieldMapping& mapping) {
  std::string p = path;
  if (p.size() > 3 && p.substr(p.size() - 3) == ".gz") p.resize(p.size() - 3);
  bool tsv = p.size() > 4 && (p.substr(p.size() - 4) == ".tsv" || p.substr(p.size() - 4) == ".TSV");
  return {tsv && mapping.delimiter == ',' ? '\t' : mapping.delimiter, mapping.csv_lenient_quotes};
}

Status check_context(const IngestContext& ctx) {
  if (ctx.profiles.num_attrs() != ctx.schema.profile.size())
    return Error{fmt::format("internal: the profile table has {} columns but the schema declares {} attributes",
                             ctx.profiles.num_attrs(), ctx.schema.profile.size()),
                 ""};
  return Ok{};
}

void add_warning(IngestStats& stats, std::string message) {
  if (std::find(stats.warnings.begin(), stats.warnings.end(), message) == stats.warnings.end())
    stats.warnings.push_back(std::move(message));
}

void CsvHeader::set(const std::vector<std::string_view>& fields) {
  names.assign(fields.begin(), fields.end());
  index.clear();
  repeat.clear();
  for (size_t i = 0; i < names.size(); ++i)
    if (!index.emplace(names[i], static_cast<int>(i)).second) repeat.emplace(names[i], static_cast<int>(i));
}

Expected<int> CsvHeader::find(const FieldSpec& spec, const std::string& file, uint64_t line) const {
  for (const auto& n : spec.names) {
    auto it = index.find(n);
    if (it == index.end()) continue;
    if (auto again = repeat.find(n); again != repeat.end())
      return Error{fmt::format("column '{}' ({}) appears twice in the header, as columns {} and {}; rename or drop one",
                               n, spec.what, it->second + 1, again->second + 1),
                   file, static_cast<int64_t>(line)};
    return it->second;
  }
  return -1;
}

Expected<int> CsvHeader::require(const FieldSpec& spec, const std::string& file, uint64_t line) const {
  auto found = find(spec, file, line);
  if (!found || *found >= 0) return found;
  std::string msg = fmt::format("no column {} for {} in the header", quoted_list(spec.names), spec.what);
  if (auto hint = closest_match(spec.names.front(), names)) msg += fmt::format(" (did you mean '{}'?)", *hint);
  std::string cols;
  for (size_t i = 0; i < names.size(); ++i) cols += (i ? ", " : "") + names[i];
  msg += fmt::format("; the columns are: {}", cols);
  if (!spec.explicit_) msg += fmt::format(" (map one with {}=COLUMN)", spec.key);
  return Error{msg, file, static_cast<int64_t>(line)};
}

std::string_view read_user_id(std::string_view raw, IngestStats& stats, std::string& bad) {
  bad.clear();
  std::string_view id = trim(raw);
  if (id.size() != raw.size() && !id.empty()) ++stats.trimmed_ids;
  if (auto at = invalid_utf8_at(id))
    bad = fmt::format("the user id is not valid UTF-8 (byte 0x{:02X} at offset {}); ids must be UTF-8 to stay "
                      "distinct in the output: convert the file (e.g. iconv -f latin1 -t utf-8)",
                      static_cast<unsigned char>(id[*at]), *at);
  return normalize_user_id(id);
}

Status BadLinePolicy::report(const std::string& file, uint64_t line, std::string message) {
  if (ctx_.skip_bad) {
    ++ctx_.stats.skipped_bad;
    return Ok{};
  }
  Error e{std::move(message), file, static_cast<int64_t>(line)};
  e.hint = "fix the line, or pass --skip-bad to skip malformed lines (they are counted)";
  return fail(std::move(e));
}

}  // namespace scorec::runtime
