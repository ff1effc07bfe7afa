#include "runtime/io/message_ids.h"

#include <algorithm>

#include "support/parallel.h"

namespace scorec::runtime {

FileMessageIds::FileMessageIds(unsigned parts) : parts_(std::max(1u, parts)) {}

std::vector<size_t> FileMessageIds::add(const std::vector<const std::vector<MessageKey>*>& ids, uint64_t first_block,
                                        unsigned threads) {
  // Each part is filled by one thread, going through the blocks in file order; a
  // block to read again is marked in that thread's row.
  std::vector<std::vector<char>> again(parts_.size(), std::vector<char>(ids.size(), 0));
  parallel_for(parts_.size(), threads, [&](size_t p) {
    auto& part = parts_[p];
    for (size_t i = 0; i < ids.size(); ++i) {
      const uint64_t block = first_block + i;
      for (const MessageKey& k : *ids[i]) {
        if (part_of(k) != p) continue;
        auto [it, fresh] = part.try_emplace(k, block);
        if (fresh || it->second == block) continue;
        if (it->second < block) {
          again[p][i] = 1;
        } else {
          // Met first here, in a block read again that now reaches further (a
          // malformed line it stopped at was a skipped copy): the later block that
          // took the id for its own must skip it.
          uint64_t later = it->second;
          it->second = block;
          if (later >= first_block && later - first_block < ids.size()) again[p][later - first_block] = 1;
        }
      }
    }
  });
  std::vector<size_t> out;
  for (size_t i = 0; i < ids.size(); ++i)
    for (const auto& row : again)
      if (row[i]) {
        out.push_back(i);
        break;
      }
  return out;
}

}  // namespace scorec::runtime
