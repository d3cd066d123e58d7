#pragma once
// Filler text for message bodies, generated once per corpus and already escaped for the inside of
// a JSON string, so that writing a tool result of any size is a memcpy of a slice.
#include <cstddef>
#include <string>
#include <string_view>

#include "rng.h"

namespace cu::gen {

class TextPool {
 public:
  // Assistant and user prose: sentences, markdown bullets, `code spans`, quotes, some non-ASCII.
  static TextPool prose(Rng& rng, std::size_t bytes);
  // What tools print: source code with tabs and quotes, listings, test and compiler output.
  static TextPool tool_output(Rng& rng, std::size_t bytes);
  // Base64 characters (thinking signatures).
  static TextPool base64(Rng& rng, std::size_t bytes);

  // A slice of about `length` bytes (exactly, unless that would split an escape sequence or a
  // UTF-8 character, or exceed the pool) that is a valid JSON string body on its own.
  std::string_view slice(Rng& rng, std::size_t length) const;

  std::size_t size() const { return text_.size(); }

 private:
  explicit TextPool(std::string text) : text_(std::move(text)) {}
  // The first position at or after pos where a slice may start or end.
  std::size_t boundary_at_or_after(std::size_t pos) const;

  std::string text_;
};

}  // namespace cu::gen
