// The concrete readers behind open_event_reader / read_profiles.
#pragma once

#include <memory>

#include "runtime/io/event_reader.h"
#include "runtime/io/input_stream.h"

namespace scorec::runtime {

Expected<std::unique_ptr<EventReader>> make_csv_event_reader(std::unique_ptr<ChunkBuffer> buf,
                                                             const std::string& path, const FieldMapping& mapping,
                                                             IngestContext& ctx);
Expected<std::unique_ptr<EventReader>> make_ndjson_event_reader(std::unique_ptr<ChunkBuffer> buf,
                                                                const FieldMapping& mapping, IngestContext& ctx);

Status read_csv_profiles(ChunkBuffer& buf, const std::string& path, const FieldMapping& mapping,
                         IngestContext& ctx);
Status read_ndjson_profiles(ChunkBuffer& buf, const FieldMapping& mapping, IngestContext& ctx);

}  // namespace scorec::runtime
