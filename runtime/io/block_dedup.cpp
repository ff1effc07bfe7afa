#include "runtime/io/block_dedup.h"

#include "support/parallel.h"

namespace scorec::runtime {

void BlockDedup::round(const std::vector<TextBlock>& texts, std::vector<std::unique_ptr<ParsedBlock>>& blocks,
                       const BlockReadOptions& options) {
  const uint64_t first = next_block_;
  next_block_ += blocks.size();
  std::vector<const std::vector<MessageKey>*> lists;
  for (const auto& b : blocks) lists.push_back(&b->message_ids);
  // Each pass reads again the blocks that met an earlier block's id. A block read
  // again reads past a malformed line only when that line was a copy it now skips, so
  // passes after the first are rare, and end: every pass lets some block read further.
  for (auto again = ids_.add(lists, first, threads_); !again.empty(); again = ids_.add(lists, first, threads_)) {
    parallel_for(again.size(), threads_, [&](size_t j) {
      const size_t i = again[j];
      BlockReadOptions o = options;
      o.earlier_messages = EarlierMessages{&ids_, first + i};
      auto fresh = std::make_unique<ParsedBlock>(options.schema->profile.size());
      read_block(texts[i], o, *fresh);
      blocks[i] = std::move(fresh);
    });
    for (size_t i = 0; i < blocks.size(); ++i) lists[i] = &blocks[i]->message_ids;
  }
}

}  // namespace scorec::runtime
