#include "ctl/text_table.h"

#include <algorithm>

namespace cu::ctl {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return lines;
    start = end + 1;
  }
}

std::string repeat(std::string_view piece, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += piece;
  return text;
}

std::string pad(const std::string& text, std::size_t width, Align align) {
  const std::string fill(width - std::min(width, display_width(text)), ' ');
  return align == Align::kRight ? fill + text : text + fill;
}

}  // namespace

void TextTable::add_row(std::vector<std::string> cells, Colour colour) {
  cells.resize(columns_.size());
  Row row;
  row.colour = colour;
  for (const std::string& cell : cells) row.lines.push_back(split_lines(cell));
  rows_.push_back(std::move(row));
}

void TextTable::drop_columns(const std::vector<std::string>& headers) {
  for (std::size_t c = columns_.size(); c-- > 0;) {
    if (std::find(headers.begin(), headers.end(), columns_[c].header) == headers.end()) continue;
    columns_.erase(columns_.begin() + static_cast<std::ptrdiff_t>(c));
    for (Row& row : rows_) row.lines.erase(row.lines.begin() + static_cast<std::ptrdiff_t>(c));
  }
}

std::vector<std::size_t> TextTable::widths() const {
  std::vector<std::size_t> widths;
  for (const TableColumn& column : columns_) widths.push_back(display_width(column.header));
  for (const Row& row : rows_) {
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      for (const std::string& line : row.lines[c]) widths[c] = std::max(widths[c], display_width(line));
    }
  }
  return widths;
}

std::string TextTable::rule(const std::vector<std::size_t>& widths, std::string_view left, std::string_view middle,
                            std::string_view right) const {
  std::string text(left);
  for (std::size_t c = 0; c < widths.size(); ++c) {
    text += repeat("─", widths[c] + 2);
    text += c + 1 < widths.size() ? middle : right;
  }
  return text + "\n";
}

std::string TextTable::row_text(const Row& row, const std::vector<std::size_t>& widths, bool colour,
                                Colour header) const {
  std::size_t height = 0;
  for (const auto& cell : row.lines) height = std::max(height, cell.size());
  const Colour paint_as = header != Colour::kNone ? header : row.colour;
  std::string text;
  for (std::size_t line = 0; line < height; ++line) {
    text += "│";
    for (std::size_t c = 0; c < widths.size(); ++c) {
      const std::string& content = line < row.lines[c].size() ? row.lines[c][line] : std::string();
      text += ' ';
      text += paint(pad(content, widths[c], columns_[c].align), paint_as, colour);
      text += " │";
    }
    text += "\n";
  }
  return text;
}

std::string TextTable::render(bool colour) const {
  const std::vector<std::size_t> width = widths();
  Row header;
  for (const TableColumn& column : columns_) header.lines.push_back({column.header});
  std::string text = rule(width, "┌", "┬", "┐") + row_text(header, width, colour, Colour::kCyan);
  for (const Row& row : rows_) text += rule(width, "├", "┼", "┤") + row_text(row, width, colour, Colour::kNone);
  return text + rule(width, "└", "┴", "┘");
}

}  // namespace cu::ctl
