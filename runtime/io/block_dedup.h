// Duplicate message ids when an events file is read in blocks on many threads
// (runtime/engine/sharded_run.cpp): each block's reader skips the copies within its
// block and lists the ids it met; then, in file order, a block holding a copy of a
// message met in an earlier block is read again skipping those ids, so the events, the
// counts and any error are those of one reader over the file (the first copy in file
// order is read). Blocks are read again only when a copy crosses blocks.
#pragma once

#include <memory>
#include <vector>

#include "runtime/io/block_reader.h"
#include "runtime/io/message_ids.h"

namespace scorec::runtime {

class BlockDedup {
 public:
  explicit BlockDedup(unsigned threads) : ids_(threads), threads_(threads) {}

  // After a round of blocks (the next blocks of the file, in order) is parsed and
  // joined, before its counts are taken.
  void round(const std::vector<TextBlock>& texts, std::vector<std::unique_ptr<ParsedBlock>>& blocks,
             const BlockReadOptions& options);

 private:
  FileMessageIds ids_;
  unsigned threads_;
  uint64_t next_block_ = 0;
};

}  // namespace scorec::runtime
