// One block of an events file (runtime/io/block_source.h) parsed on its own, on any
// thread: the ordinary reader over the block's bytes, into pools and a user index of
// the block's own. User ids are not interned here but listed as met (BlockIds), for the
// shards to intern, and every line number is the file's, so the blocks of a file, taken in order, say what
// one reader over the whole file would.
#pragma once

#include <optional>
#include <string>

#include "ir/schema.h"
#include "runtime/event_batch.h"
#include "runtime/io/block_source.h"
#include "runtime/io/ingest.h"
#include "runtime/partition.h"

namespace scorec::runtime {

struct ParsedBlock {
  explicit ParsedBlock(size_t profile_attrs) : profiles(profile_attrs) {}

  StringPool strings;
  ListPool lists;
  UserIndex users;  // unused: ids are in `ids` (IngestContext::block_ids)
  BlockIds ids;     // lines are the file's
  ProfileTable profiles;  // from identify messages, by index in `ids`
  IngestStats stats;
  EventBatch events;  // lines are the file's
  std::vector<MessageKey> message_ids;  // the NDJSON message ids read, once each (runtime/io/block_dedup.h)
  std::vector<IdentityLink> links;      // the identity links read, in order (runtime/io/identity_map.h)
  // The first malformed line that stopped the reader (not one --skip-bad skipped), at
  // the file's line; nothing after it in the block was read.
  std::optional<Error> error;
  // A CSV quoted field ran into the block's end: the block must be joined with the next.
  bool open_at_end = false;

  // Empty again, for the next block, keeping the capacity of the large arrays (the
  // events and the ids): fresh ones would be fresh pages, zeroed by the kernel.
  void reset() {
    EventBatch kept_events = std::move(events);
    BlockIds kept_ids = std::move(ids);
    std::vector<MessageKey> kept_message_ids = std::move(message_ids);
    *this = ParsedBlock(profiles.num_attrs());
    events = std::move(kept_events);
    events.reset(static_cast<int>(events.columns.size()));
    ids = std::move(kept_ids);
    ids.clear();
    message_ids = std::move(kept_message_ids);
    message_ids.clear();
  }
};

struct BlockReadOptions {
  std::string path;  // the file as given (its name decides CSV dialect: .tsv)
  std::string name;  // the name in messages
  InputFormat format = InputFormat::Csv;
  const FieldMapping* mapping = nullptr;
  const ir::Schema* schema = nullptr;
  bool skip_bad = false;
  Partition partition;
  bool keep_duplicates = false;
  std::optional<EarlierMessages> earlier_messages;  // ids of earlier blocks, to skip (runtime/io/block_dedup.h)
  const IdentityMap* identities = nullptr;  // ids read as their person's (IngestContext::identities)
  bool find_links = false;                  // list the block's identity links
};

void read_block(const TextBlock& block, const BlockReadOptions& options, ParsedBlock& out);

// The counts of a later part of the same input added to `into`: sums, the latest
// time, the first bad values in file order, warnings once.
void add_stats(IngestStats& into, const IngestStats& later);

}  // namespace scorec::runtime
