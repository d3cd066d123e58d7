#pragma once
// A box-drawn table like ccusage's: a header, rows whose cells may hold several lines, a line
// between rows, right-aligned numbers.
#include <string>
#include <vector>

#include "ctl/text_format.h"

namespace cu::ctl {

enum class Align { kLeft, kRight };

struct TableColumn {
  std::string header;
  Align align = Align::kLeft;
};

class TextTable {
 public:
  explicit TextTable(std::vector<TableColumn> columns) : columns_(std::move(columns)) {}

  // `cells` has one entry per column (missing ones are empty); '\n' splits a cell into lines.
  // `colour` paints the whole row when colours are on.
  void add_row(std::vector<std::string> cells, Colour colour = Colour::kNone);

  // Removes the columns with these headers, and their cells in every row added so far.
  void drop_columns(const std::vector<std::string>& headers);

  std::string render(bool colour) const;

 private:
  struct Row {
    std::vector<std::vector<std::string>> lines;  // per column
    Colour colour = Colour::kNone;
  };

  std::vector<std::size_t> widths() const;
  std::string rule(const std::vector<std::size_t>& widths, std::string_view left, std::string_view middle,
                   std::string_view right) const;
  std::string row_text(const Row& row, const std::vector<std::size_t>& widths, bool colour, Colour header) const;

  std::vector<TableColumn> columns_;
  std::vector<Row> rows_;
};

}  // namespace cu::ctl
