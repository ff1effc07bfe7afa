// The mapping resolved against the schema, once per file: for the user id, event name,
// timestamp, every declared property and every profile attribute, the input field
// names to try in order. The CSV readers turn names into column indices; the NDJSON
// readers into key paths ("properties.price").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/schema.h"
#include "runtime/io/field_mapping.h"

namespace scorec::runtime {

struct FieldSpec {
  std::vector<std::string> names;  // candidates, first present wins
  bool explicit_ = false;          // named by the mapping: absence is an error, not a null
  std::string what;                // "the user id", "property 'price'" (for messages)
  std::string key;                 // the mapping key that sets it: "user", "prop.price"
};

struct PropTarget {
  int field;      // index into IngestPlan::props
  int column;     // EventBatch column
  ir::Type type;
};

struct IngestPlan {
  FieldSpec user, event, time;
  std::optional<std::string> event_constant;
  std::vector<FieldSpec> props;                // one per distinct declared property name
  std::vector<std::vector<PropTarget>> by_event;  // index = schema event type
  std::vector<FieldSpec> attrs;                // index = schema profile attribute
};

// `ndjson` selects the NDJSON defaults (userId, properties.NAME, traits.NAME ...).
IngestPlan make_plan(const ir::Schema& schema, const FieldMapping& mapping, bool ndjson);

// "'a', 'b' or 'c'" for messages.
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace scorec::runtime

namespace scorec::runtime {

// Mapping entries that name nothing the schema declares (prop.NAME, attr.NAME, the
// target of alias.EVENT): almost always typos, so the run summary shows them.
std::vector<std::string> mapping_warnings(const ir::Schema& schema, const FieldMapping& mapping);

}  // namespace scorec::runtime
