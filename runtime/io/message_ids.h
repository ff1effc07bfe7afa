// Segment and RudderStack deliver at least once: a message whose delivery was retried
// arrives again with the same `messageId`. A run reads each message id once (the first
// in file order; later copies are counted in IngestStats::duplicate_messages and
// skipped) unless `--keep-duplicates`. An id is kept as a 128-bit seeded hash
// (support/hash.h), 16 bytes in an open-addressing set: about 20 bytes per message with
// an id, for the whole file (docs/input.md).
#pragma once

#include <cstdint>
#include <string_view>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include "support/hash.h"

namespace scorec::runtime {

using MessageKey = Hash128;

inline MessageKey message_key(std::string_view id) { return xxh3_128_seeded(id.data(), id.size(), process_seed()); }

struct MessageKeyHash {
  using is_avalanching = void;  // the key is a hash already
  size_t operator()(const MessageKey& k) const noexcept { return static_cast<size_t>(k.lo); }
};

using MessageKeySet = boost::unordered_flat_set<MessageKey, MessageKeyHash>;

// The message ids of a file read in blocks on many threads (runtime/io/block_reader.h,
// runtime/engine/sharded_run.cpp), each with the number of the block (in file order)
// it first appeared in. Split by the key's high bits into parts that threads fill
// side by side.
class FileMessageIds {
 public:
  explicit FileMessageIds(unsigned parts);

  // Adds the ids of the blocks `first_block`, `first_block + 1`, ... (ids[i]: block
  // first_block + i, its ids once each, in its order), which follow every block added
  // in earlier calls in file order; adding the same blocks again (some of them read
  // again) is how a caller checks the blocks it read again. Returns the offsets i of
  // the blocks that hold an id first met in an earlier block: one reader over the file
  // would have skipped it there, so they must be read again, skipping the ids
  // earlier_than(k, first_block + i).
  std::vector<size_t> add(const std::vector<const std::vector<MessageKey>*>& ids, uint64_t first_block,
                          unsigned threads);

  // Whether block `block` is to skip the id: it first appeared in an earlier block.
  bool earlier_than(const MessageKey& k, uint64_t block) const {
    const auto& part = parts_[part_of(k)];
    auto it = part.find(k);
    return it != part.end() && it->second < block;
  }

 private:
  size_t part_of(const MessageKey& k) const { return static_cast<size_t>(k.hi % parts_.size()); }
  std::vector<boost::unordered_flat_map<MessageKey, uint64_t, MessageKeyHash>> parts_;
};

// What a block reader asks of the blocks before it (IngestContext::earlier_messages).
struct EarlierMessages {
  const FileMessageIds* ids = nullptr;
  uint64_t block = 0;
  bool contains(const MessageKey& k) const { return ids->earlier_than(k, block); }
};

}  // namespace scorec::runtime
