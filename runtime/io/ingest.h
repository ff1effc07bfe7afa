// What readers write into while they ingest a file: the shared pools and indices of a
// run, and the counts the run summary reports.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/schema.h"
#include "runtime/partition.h"
#include "runtime/io/field_mapping.h"
#include "runtime/io/identity_map.h"
#include "runtime/io/message_ids.h"
#include "runtime/profile_table.h"
#include "runtime/user_index.h"
#include "runtime/value_pools.h"

namespace scorec::runtime {

// A property or attribute value that did not convert to its declared type, as the
// summary shows it: where it is and what it said.
struct BadValue {
  std::string file;
  uint64_t line = 0;
  std::string column;    // the CSV column or JSON field it came from
  std::string expected;  // the declared type: "number", "timestamp", ...
  std::string text;      // the value as written (cut to 60 bytes)
};

struct IngestStats {
  static constexpr size_t kBadValueSamples = 5;  // the first few bad values are kept whole

  uint64_t records = 0;          // non-blank lines (records) of data read, whatever became of them
  uint64_t events_read = 0;      // well-formed events (all types)
  uint64_t skipped_bad = 0;      // malformed lines skipped under --skip-bad
  uint64_t unknown_events = 0;   // well-formed events of an undeclared type
  std::map<std::string, uint64_t> unknown_by_name;  // input name -> count
  // Input names that matched a declared event only in one spelling (runtime/io/
  // event_names.h): input name -> the event type and the count, every partition.
  struct ReadAs {
    uint16_t type = 0;
    uint64_t count = 0;
  };
  std::map<std::string, ReadAs> names_read_as;
  uint64_t missing_user = 0;     // rows with an empty user id (skipped, counted here and not in skipped_bad)
  uint64_t profiles_read = 0;    // profile rows / identify messages applied
  uint64_t bad_values = 0;       // property values that did not convert to the declared type (became null)
  std::vector<BadValue> bad_value_samples;          // the first kBadValueSamples of them, in file order
  std::map<std::string, uint64_t, std::less<>> bad_values_by_column;  // column name -> count
  std::vector<uint64_t> events_by_type;  // declared event type -> events read (in any partition)
  double max_ts = -1e300;        // latest timestamp read, for the default as-of time
  uint64_t other_messages = 0;   // Segment group / alias messages, and page / screen calls the rules do not declare (skipped)
  uint64_t other_partition = 0;  // events and profile rows of users outside the run's partition (skipped)
  uint64_t duplicate_messages = 0;  // NDJSON messages whose messageId came before (read once; runtime/io/message_ids.h)
  uint64_t blank_lines = 0;      // empty lines (whitespace-only in NDJSON): no data, but counted
  uint64_t trimmed_ids = 0;      // rows whose user id had edge spaces trimmed (" u1 " is user "u1")
  uint64_t alias_messages = 0;   // Segment alias messages read as identity links
  std::vector<std::string> warnings;  // mapping entries that name nothing declared, unmapped properties
};

// The user ids of a block read on its own (runtime/io/block_reader.h): appended as
// they are met (not interned: the shards intern them), with their hash and the line
// each was met on.
struct BlockIds {
  std::string bytes;
  std::vector<uint32_t> end;  // id i is bytes[end[i-1], end[i])
  std::vector<uint64_t> hash;  // StringPool::hash of each id
  std::vector<uint64_t> line;

  uint32_t add(std::string_view id, uint64_t at_line) {
    bytes.append(id);
    end.push_back(static_cast<uint32_t>(bytes.size()));
    hash.push_back(StringPool::hash(id));
    line.push_back(at_line);
    return static_cast<uint32_t>(end.size() - 1);
  }
  std::string_view get(uint32_t i) const {
    uint32_t from = i == 0 ? 0 : end[i - 1];
    return std::string_view(bytes).substr(from, end[i] - from);
  }
  size_t size() const { return end.size(); }
  void clear() {  // keeps the capacity, for the next block
    bytes.clear();
    end.clear();
    hash.clear();
    line.clear();
  }
};

struct IngestContext {
  const ir::Schema& schema;
  StringPool& strings;
  ListPool& lists;
  UserIndex& users;
  ProfileTable& profiles;
  IngestStats& stats;
  bool skip_bad = false;  // skip malformed lines (counted) instead of failing
  // Whether `identify` messages in an events file update profiles. A second pass over
  // the same file (streaming) turns it off: the first pass already applied them all,
  // and applying them again mid-file would let old traits overwrite newer ones.
  bool apply_profiles = true;
  // Only users of this partition enter the run (runtime/partition.h).
  Partition partition;
  // Where each user first appeared (UserOrigins); new users get origin | line.
  UserOrigins* origins = nullptr;
  uint64_t origin = 0;
  // Reading one block of a file on its own: ids are appended here, not interned.
  BlockIds* block_ids = nullptr;
  // Read every copy of a message (a retried delivery with the same messageId), not
  // only the first (runtime/io/message_ids.h).
  bool keep_duplicates = false;
  // Reading one block: the message ids met in earlier blocks (skipped here), and where
  // the ids this block reads are listed (each once, in order).
  std::optional<EarlierMessages> earlier_messages;
  std::vector<MessageKey>* block_messages = nullptr;
  // Identity resolution (runtime/io/identity_map.h): ids are read as the id their
  // person is scored under, and the links the input holds are listed here, in order.
  const IdentityMap* identities = nullptr;
  std::vector<IdentityLink>* found_links = nullptr;

  // The user's index, interning a new user; nullopt (counted) for a user of another
  // partition.
  std::optional<uint32_t> user(std::string_view id, uint64_t line) {
    if (identities) id = identities->resolve(id);
    if (!partition.contains(id)) {
      ++stats.other_partition;
      return std::nullopt;
    }
    if (block_ids) return block_ids->add(id, line);
    size_t before = users.size();
    uint32_t ix = users.intern(id);
    if (origins && users.size() > before) origins->push_back(origin | line);
    return ix;
  }
};

}  // namespace scorec::runtime
