#pragma once
// Values in PostgreSQL's text input forms, for bound parameters (never spliced into SQL text):
// array literals let one statement carry the values of many rows (`unnest($2::bigint[], ...)`).
#include <cstdint>
#include <string>
#include <string_view>

namespace cu {

// An array literal, built element by element: {"a","b\"c",NULL,12}. Text elements are always
// quoted with backslash escapes, so any text round-trips.
class PgArray {
 public:
  PgArray& add(std::string_view text);
  PgArray& add(std::int64_t number);
  // Shortest text that reads back as the same double (NUMERIC columns round it to their scale).
  PgArray& add(double number);
  PgArray& add_null();

  std::string str() const { return "{" + body_ + "}"; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  void separate();

  std::string body_;
  std::size_t size_ = 0;
};

// A double as text for a NUMERIC parameter or COPY field (shortest round-trip form).
std::string pg_number(double number);

// `text` as PostgreSQL TEXT can hold it: NUL characters (a JSON "\u0000" in a log line) become
// U+FFFD, so one odd log line cannot stop shipping. Any other valid UTF-8 is unchanged.
std::string pg_text_value(std::string_view text);

}  // namespace cu
