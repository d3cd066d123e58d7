#pragma once
// The integer keys the SQLite backend files events under for its two lookups by text
// (schema/sqlite/014): a message id's copies (deduplication) and a session's events (its rollup,
// a re-read transcript). Sorting and comparing one integer instead of the texts they stand for
// makes the indexes a bulk load builds at its end about twice as fast to build, and half the size.
// Two texts may share a key: every query also compares the texts themselves.
//
// Stored in every database: the values must never change. XXH3-64 (seed 0; its output is fixed
// since xxHash 0.8.0) of the UTF-8 bytes, as a two's-complement signed 64-bit integer.
#include <cstdint>
#include <string_view>

namespace cu {

// The key of a message id.
std::int64_t message_key(std::string_view message_id);

// The key of a session: its project and id (the project's bytes, a NUL, the id's bytes; neither
// holds a NUL).
std::int64_t session_key(std::string_view project, std::string_view session_id);

}  // namespace cu
