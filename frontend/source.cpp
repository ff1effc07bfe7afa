#include "frontend/source.h"

namespace scorec::frontend {

int SourceManager::add(std::string path, std::string text, std::string key) {
  if (key.empty()) key = path;
  File f{std::move(path), std::move(key), std::move(text), {0}};
  for (size_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  files_.push_back(std::move(f));
  return static_cast<int>(files_.size() - 1);
}

std::string_view SourceManager::line_text(int file, int line) const {
  const File& f = files_[file];
  if (line < 1 || static_cast<size_t>(line) > f.line_starts.size()) return {};
  size_t start = f.line_starts[line - 1];
  size_t end = f.text.find('\n', start);
  if (end == std::string::npos) end = f.text.size();
  if (end > start && f.text[end - 1] == '\r') --end;
  return std::string_view(f.text).substr(start, end - start);
}

int SourceManager::find(const std::string& key) const {
  for (size_t i = 0; i < files_.size(); ++i)
    if (files_[i].key == key) return static_cast<int>(i);
  return -1;
}

}  // namespace scorec::frontend
