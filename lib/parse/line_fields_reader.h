#pragma once
// Walks one line's On-Demand document (internal to cu_parse).
#include <simdjson.h>

#include "parse/line_fields.h"

namespace cu {

// Reads the members of the top-level object and of `message`, `data.message` and
// `data.message.message` once each, in document order, whatever that order is; every other
// member is skipped unread. `fields` is reset first. A member that appears twice counts with its
// last value. Requires the top-level value to be an object that ends the line (kInvalidJson
// otherwise); kBadUsage as soon as a usage object turns out unusable (see read_usage).
ReadStatus read_line_fields(simdjson::ondemand::document& document, LineFields& fields);

}  // namespace cu
