// SARIF 2.1.0 diagnostics (`scorec check --format sarif`), for code-scanning tools
// such as GitHub's. One run; the driver lists one rule per code that occurs, and each
// result points at its rule by id and index.
#include <map>

#include <fmt/format.h>

#include "frontend/diagnostics_format.h"
#include "support/json.h"

#ifndef SCOREC_VERSION
#define SCOREC_VERSION "0.0.0"
#endif

namespace scorec::frontend {

namespace {

// A relative URI reference for a file path: path characters kept, the rest
// percent-encoded (spaces, '%', '#', '?', bytes outside ASCII).
std::string path_uri(std::string_view path) {
  static constexpr std::string_view keep = "-._~/!$&'()*+,;=:@";
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || (c < 0x80 && keep.find(ch) != std::string_view::npos)) out += ch;
    else if (ch == '\\') out += '/';
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

void render_sarif(std::ostream& out, const std::vector<CheckedFile>& files) {
  // Rules: every code that occurs, in code order; results refer to them by index.
  std::map<std::string, int> rule_index;
  for (const auto& f : files)
    if (f.diags)
      for (const auto& d : f.diags->all())
        if (!d.code.empty()) rule_index[d.code] = 0;
  int next = 0;
  for (auto& [code, index] : rule_index) index = next++;

  out << "{\n";
  out << "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n";
  out << "  \"version\": \"2.1.0\",\n";
  out << "  \"runs\": [\n    {\n";
  out << "      \"tool\": {\n        \"driver\": {\n";
  out << "          \"name\": \"scorec\",\n";
  out << "          \"version\": " << json_string(SCOREC_VERSION) << ",\n";
  out << "          \"rules\": [";
  bool first = true;
  for (const auto& [code, index] : rule_index) {
    const CodeInfo* info = find_code(code);
    std::string title = info ? std::string(info->title) : code;
    const char* level = !code.empty() && code[0] == 'W' ? "warning" : "error";
    out << (first ? "\n" : ",\n");
    first = false;
    out << fmt::format(
        "            {{\"id\": {}, \"shortDescription\": {{\"text\": {}}}, \"defaultConfiguration\": {{\"level\": \"{}\"}}}}",
        json_string(code), json_string(title), level);
  }
  out << (first ? "]\n" : "\n          ]\n");
  out << "        }\n      },\n";
  out << "      \"columnKind\": \"unicodeCodePoints\",\n";
  out << "      \"results\": [";
  first = true;
  for (const auto& f : files) {
    if (!f.diags) continue;
    for (const Diagnostic* d : f.diags->sorted()) {
      auto p = detail::place_of(*d, f, true);
      std::string text = d->message;
      if (!d->hint.empty()) text += "\nhint: " + d->hint;
      std::string rule;
      if (!d->code.empty())
        rule = fmt::format("\"ruleId\": {}, \"ruleIndex\": {}, ", json_string(d->code), rule_index[d->code]);
      std::string region;
      if (p.has_loc)
        region = fmt::format(", \"region\": {{\"startLine\": {}, \"startColumn\": {}, \"endColumn\": {}}}", p.line,
                             p.column, p.end_column);
      out << (first ? "\n" : ",\n");
      first = false;
      out << fmt::format(
          "        {{{}\"level\": \"{}\", \"message\": {{\"text\": {}}}, \"locations\": [{{\"physicalLocation\": "
          "{{\"artifactLocation\": {{\"uri\": {}}}{}}}}}]}}",
          rule, detail::severity_name(d->severity), json_string(text), json_string(path_uri(p.file)), region);
    }
  }
  out << (first ? "]\n" : "\n      ]\n");
  out << "    }\n  ]\n}\n";
}

}  // namespace scorec::frontend
