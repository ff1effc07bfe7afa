// Appends well-formed events to a batch, shared by the CSV and NDJSON readers: resolves
// the event name (runtime/io/event_names.h: alias, declared name, one spelling) once per
// distinct name, interns the user, keeps the counts, and gives
// every column a null on the new row for the reader to fill.
#pragma once

#include <cstdint>
#include <string>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "runtime/event_batch.h"
#include "runtime/io/event_names.h"
#include "runtime/io/ingest.h"
#include "runtime/io/name_map.h"

namespace scorec::runtime {

class EventBuilder {
 public:
  EventBuilder(IngestContext& ctx, const FieldMapping& mapping);

  // Adds one event; returns its row. `type` receives the event type (kUnknownEvent for
  // names the schema does not declare, which are counted, and for events of users
  // outside the run's partition, which are counted and skipped: row kSkipped). The
  // counts by type name (stats.events_by_type, unknown_by_name) cover every partition.
  size_t add(EventBatch& batch, std::string_view user_id, std::string_view event_name, double ts, uint64_t line,
             uint16_t& type);

  static constexpr size_t kSkipped = static_cast<size_t>(-1);

  // The count of an input name the schema does not declare (stats.unknown_by_name), for
  // a reader to count a message it skips unread; nullptr when the name is declared.
  uint64_t* undeclared_count(std::string_view event_name) { return resolve(event_name).unknown_count; }

  static void set(EventBatch& batch, size_t row, int column, double value) {
    auto& c = batch.columns[static_cast<size_t>(column)];
    c.values[row] = value;
    c.valid[row] = 1;
  }

 private:
  struct Resolved {
    uint16_t type;
    uint64_t* unknown_count;  // node of stats.unknown_by_name (std::map nodes never move)
    uint64_t* read_as_count;  // node of stats.names_read_as, for a name matched in one spelling
  };
  Resolved resolve(std::string_view name);

  IngestContext& ctx_;
  EventNames event_names_;
  NameMap<Resolved> names_;
  // Real files group rows by user (an invoice, a session), and the user index lookup is
  // the costliest step per row, so the last user is remembered.
  std::string last_user_;
  std::optional<uint32_t> last_user_ix_;  // nullopt: a user of another partition
  bool have_last_user_ = false;
};

}  // namespace scorec::runtime
