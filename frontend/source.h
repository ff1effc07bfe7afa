// Source files and positions. Every AST node carries a Loc, so every diagnostic can
// point at the exact spot in the exact file, imports included.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scorec::frontend {

struct Loc {
  int file = -1;   // index into SourceManager; -1 = no location
  int line = 0;    // 1-based
  int col = 0;     // 1-based, in bytes
  int length = 1;  // how many columns the caret line underlines
  bool valid() const { return file >= 0; }
};

class SourceManager {
 public:
  // `path` is what diagnostics show; `key` (default: path) identifies the file for find().
  int add(std::string path, std::string text, std::string key = {});
  const std::string& path(int file) const { return files_[file].path; }
  const std::string& text(int file) const { return files_[file].text; }
  std::string_view line_text(int file, int line) const;
  size_t size() const { return files_.size(); }
  // The file index of an already loaded key, or -1.
  int find(const std::string& key) const;

 private:
  struct File {
    std::string path;
    std::string key;
    std::string text;
    std::vector<size_t> line_starts;
  };
  std::vector<File> files_;
};

}  // namespace scorec::frontend
