#include "security/sql_call_scanner.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>

namespace cu::test {
namespace {

enum class TokenKind { kWord, kString, kChar, kNumber, kPunct };

struct Token {
  TokenKind kind = TokenKind::kPunct;
  std::string text;
  int line = 0;
};
using Tokens = std::vector<Token>;

struct Define {
  std::string name;
  bool function_like = false;
  std::vector<std::string> params;
  Tokens body;
};

struct Lexed {
  Tokens tokens;
  std::vector<Define> defines;  // object-like #defines only
};

bool is_word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Splits C++ source into tokens: comments dropped, literals kept whole (their contents never
// look like code), preprocessor lines set aside (their #defines kept).
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Lexed run() {
    Lexed lexed;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
        line_start_ = true;
      } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        ++pos_;
      } else if (c == '#' && line_start_) {
        directive(lexed);
      } else {
        line_start_ = false;
        token(lexed.tokens);
      }
    }
    return lexed;
  }

 private:
  bool at(std::string_view s) const { return text_.substr(pos_, s.size()) == s; }

  void token(Tokens& out) {
    const int line = line_;
    const std::size_t start = pos_;
    if (at("//")) {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      return;
    }
    if (at("/*")) {
      const std::size_t end = text_.find("*/", pos_ + 2);
      skip_to(end == std::string_view::npos ? text_.size() : end + 2);
      return;
    }
    const char c = text_[pos_];
    if (is_word_start(c)) {
      while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
      const std::string_view word = text_.substr(start, pos_ - start);
      if (pos_ < text_.size() && text_[pos_] == '"' && is_string_prefix(word)) {
        string_literal(word.ends_with('R'));
        out.push_back({TokenKind::kString, std::string(text_.substr(start, pos_ - start)), line});
        return;
      }
      out.push_back({TokenKind::kWord, std::string(word), line});
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      number();
      out.push_back({TokenKind::kNumber, std::string(text_.substr(start, pos_ - start)), line});
    } else if (c == '"') {
      string_literal(false);
      out.push_back({TokenKind::kString, std::string(text_.substr(start, pos_ - start)), line});
    } else if (c == '\'') {
      quoted('\'');
      out.push_back({TokenKind::kChar, std::string(text_.substr(start, pos_ - start)), line});
    } else {
      pos_ += at("::") || at("->") ? 2 : 1;
      out.push_back({TokenKind::kPunct, std::string(text_.substr(start, pos_ - start)), line});
    }
  }

  static bool is_string_prefix(std::string_view word) {
    return word == "u8" || word == "u" || word == "U" || word == "L" || word == "R" ||
           word == "u8R" || word == "uR" || word == "UR" || word == "LR";
  }

  // From the opening quote; a user-defined suffix ("..."sv) belongs to the literal.
  void string_literal(bool raw) {
    if (raw) {
      const std::size_t open = text_.find('(', pos_);
      std::string close(1, ')');
      close.append(text_.substr(pos_ + 1, open - pos_ - 1));
      close.push_back('"');
      const std::size_t end = open == std::string_view::npos ? open : text_.find(close, open);
      skip_to(end == std::string_view::npos ? text_.size() : end + close.size());
    } else {
      quoted('"');
    }
    while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
  }

  void quoted(char quote) {
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote && text_[pos_] != '\n') {
      pos_ += text_[pos_] == '\\' ? 2 : 1;
    }
    if (pos_ < text_.size() && text_[pos_] == quote) ++pos_;
  }

  void number() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      const bool exponent_sign =
          (c == '+' || c == '-') && pos_ > 0 &&
          std::string_view("eEpP").find(text_[pos_ - 1]) != std::string_view::npos;
      if (!is_word_char(c) && c != '.' && c != '\'' && !exponent_sign) break;
      ++pos_;
    }
  }

  void skip_to(std::size_t end) {
    for (; pos_ < end && pos_ < text_.size(); ++pos_) {
      if (text_[pos_] == '\n') ++line_;
    }
  }

  // A whole preprocessor line, continuations included.
  void directive(Lexed& lexed) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && !(text_[pos_] == '\n' && text_[pos_ - 1] != '\\')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    std::string line(text_.substr(start, pos_ - start));
    std::erase(line, '\\');
    // Lexed without its '#', which would start a directive again.
    const Tokens t = Lexer(std::string_view(line).substr(1)).run().tokens;
    if (t.size() < 2 || t[0].text != "define" || t[1].kind != TokenKind::kWord) return;
    Define define{t[1].text, line.find(t[1].text + "(") != std::string::npos, {}, {}};
    std::size_t body = 2;
    if (define.function_like) {
      for (body = 3; body < t.size() && t[body].text != ")"; ++body) {
        if (t[body].kind == TokenKind::kWord) define.params.push_back(t[body].text);
      }
      ++body;
    }
    if (body <= t.size())
      define.body.assign(t.begin() + static_cast<std::ptrdiff_t>(body), t.end());
    lexed.defines.push_back(std::move(define));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  bool line_start_ = true;
};

bool is(const Tokens& tokens, std::size_t i, std::string_view text) {
  return i < tokens.size() && tokens[i].kind == TokenKind::kPunct && tokens[i].text == text;
}
bool is_word(const Tokens& tokens, std::size_t i) {
  return i < tokens.size() && tokens[i].kind == TokenKind::kWord;
}

// The arguments of the call whose '(' or '{' is at `open`, split at top-level commas.
std::vector<Tokens> arguments_at(const Tokens& tokens, std::size_t open) {
  std::vector<Tokens> args(1);
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (is(tokens, i, "(") || is(tokens, i, "[") || is(tokens, i, "{")) {
      if (depth++ > 0) args.back().push_back(tokens[i]);
    } else if (is(tokens, i, ")") || is(tokens, i, "]") || is(tokens, i, "}")) {
      if (--depth == 0) break;
      args.back().push_back(tokens[i]);
    } else if (depth == 1 && is(tokens, i, ",")) {
      args.emplace_back();
    } else {
      args.back().push_back(tokens[i]);
    }
  }
  if (args.size() == 1 && args[0].empty()) args.clear();
  return args;
}

// The index of the bracket that closes the one at `open` (the last index when none does).
std::size_t closing_of(const Tokens& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (is(tokens, i, "(") || is(tokens, i, "[") || is(tokens, i, "{")) ++depth;
    if ((is(tokens, i, ")") || is(tokens, i, "]") || is(tokens, i, "}")) && --depth == 0) return i;
  }
  return tokens.size() - 1;
}

// Skips a balanced template argument list starting at `i` ('<'); returns the index after it.
std::size_t after_template_arguments(const Tokens& tokens, std::size_t i) {
  int depth = 0;
  for (; i < tokens.size(); ++i) {
    if (is(tokens, i, "<")) ++depth;
    if (is(tokens, i, ">") && --depth == 0) return i + 1;
    if (is(tokens, i, ";")) break;
  }
  return i;
}

std::string expression_of(const Tokens& tokens) {
  std::string text;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const bool wordy = tokens[i].kind == TokenKind::kWord || tokens[i].kind == TokenKind::kNumber;
    const bool prev_wordy = i > 0 && (tokens[i - 1].kind == TokenKind::kWord ||
                                      tokens[i - 1].kind == TokenKind::kNumber);
    if (wordy && prev_wordy) text += ' ';
    text += tokens[i].text;
  }
  return text;
}

const std::map<std::string, std::size_t, std::less<>>& member_sinks() {
  static const std::map<std::string, std::size_t, std::less<>> sinks = {
      {"exec", 0},         {"exec0", 0},        {"exec1", 0},         {"exec_params", 0},
      {"exec_params0", 0}, {"exec_params1", 0}, {"exec_params_n", 0}, {"query", 0},
      {"query1", 0},       {"query01", 0},      {"query_n", 0},       {"query_value", 0},
      {"stream", 0},       {"for_query", 0},    {"for_stream", 0},    {"execAndGet", 0},
      {"tryExec", 0},      {"prepare", 1}};
  return sinks;
}

const std::map<std::string, std::size_t, std::less<>>& function_sinks() {
  static const std::map<std::string, std::size_t, std::less<>> sinks = {
      {"sqlite3_exec", 1},       {"sqlite3_prepare", 1}, {"sqlite3_prepare_v2", 1},
      {"sqlite3_prepare_v3", 1}, {"PQexec", 1},          {"PQexecParams", 1},
      {"PQsendQuery", 1},        {"PQprepare", 2}};
  return sinks;
}

// A call that takes SQL: where it is, what it is called, and its SQL argument.
struct Sink {
  int line = 0;
  std::string name;
  Tokens sql;
};

class Scanner {
 public:
  explicit Scanner(const std::vector<AllowedSqlArgument>& allowed) : allowed_(allowed) {}

  SqlScan run(const std::vector<SqlSource>& sources) {
    std::vector<Lexed> lexed;
    for (const SqlSource& source : sources) lexed.push_back(Lexer(source.text).run());
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (sources[i].path.ends_with("_sql.h")) collect_macros(lexed[i]);
      collect_statement_members(lexed[i].tokens);
    }
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (sources[i].path.ends_with("_sql.h")) collect_constants(sources[i].path, lexed[i].tokens);
    }
    for (std::size_t i = 0; i < sources.size(); ++i) check_sinks(sources[i].path, lexed[i].tokens);
    return std::move(scan_);
  }

 private:
  // Object-like macros that expand to string literals, and function-like ones that do when their
  // arguments are string literals (their bodies hold literals and parameters only).
  void collect_macros(const Lexed& lexed) {
    for (const Define& define : lexed.defines) {
      if (!define.function_like) {
        if (literal_sql(define.body)) sql_macros_.insert(define.name);
        continue;
      }
      const bool literal_or_param =
          std::all_of(define.body.begin(), define.body.end(), [&](const Token& t) {
            return t.kind == TokenKind::kString ||
                   std::find(define.params.begin(), define.params.end(), t.text) !=
                       define.params.end();
          });
      if (!define.body.empty() && literal_or_param) sql_function_macros_.insert(define.name);
    }
  }

  void collect_statement_members(const Tokens& tokens) {
    for (std::size_t i = 0; i + 2 < tokens.size(); ++i) {
      if (tokens[i].text == "Statement" && is_word(tokens, i + 1) && is(tokens, i + 2, ";")) {
        statement_members_.insert(tokens[i + 1].text);
      }
    }
  }

  // `kName = <initializer>;` (or `kName[] = ...`) in a *_sql.h file.
  void collect_constants(const std::string& path, const Tokens& tokens) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (!is_word(tokens, i) || !tokens[i].text.starts_with('k')) continue;
      std::size_t eq = i + 1;
      if (is(tokens, eq, "[") && is(tokens, eq + 1, "]")) eq += 2;
      if (!is(tokens, eq, "=")) continue;
      Tokens init;
      for (std::size_t j = eq + 1; j < tokens.size() && !is(tokens, j, ";"); ++j)
        init.push_back(tokens[j]);
      if (literal_sql(init)) {
        constants_.insert(tokens[i].text);
        ++scan_.constants;
      } else {
        const std::string expression = expression_of(init);
        scan_.findings.push_back({path, tokens[i].line, expression,
                                  "SQL constant " + tokens[i].text +
                                      " is not made of string literals only: " + expression});
      }
    }
  }

  // String literals, literal macros, and literal function-like macros called on literal SQL.
  bool literal_sql(const Tokens& tokens) const {
    bool any = false;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      if (t.kind == TokenKind::kString ||
          (t.kind == TokenKind::kWord && sql_macros_.contains(t.text))) {
        any = true;
        continue;
      }
      if (t.kind != TokenKind::kWord || !sql_function_macros_.contains(t.text) ||
          !is(tokens, i + 1, "("))
        return false;
      const std::vector<Tokens> args = arguments_at(tokens, i + 1);
      if (!std::all_of(args.begin(), args.end(),
                       [&](const Tokens& arg) { return literal_sql(arg); }))
        return false;
      i = closing_of(tokens, i + 1);
      any = true;
    }
    return any;
  }

  // `name`, `sql::name` or `::a::b::name` with `name` a *_sql.h constant.
  bool sql_constant(const Tokens& tokens) const {
    if (tokens.empty() || tokens.back().kind != TokenKind::kWord ||
        !constants_.contains(tokens.back().text)) {
      return false;
    }
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
      const bool expected_word = (tokens.size() - 1 - i) % 2 == 0;
      if (expected_word ? tokens[i].kind != TokenKind::kWord : !is(tokens, i, "::")) return false;
    }
    return true;
  }

  bool fixed_sql(const Tokens& tokens) const { return literal_sql(tokens) || sql_constant(tokens); }

  // Variables of `for (<declaration> name : {<fixed SQL>, ...})` in this file.
  std::set<std::string> sql_loop_variables(const Tokens& tokens) const {
    std::set<std::string> names;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
      if (tokens[i].text != "for" || !is(tokens, i + 1, "(")) continue;
      std::size_t colon = i + 2;
      while (colon < tokens.size() && !is(tokens, colon, ":") && !is(tokens, colon, ";") &&
             !is(tokens, colon, ")")) {
        ++colon;
      }
      if (!is(tokens, colon, ":") || !is(tokens, colon + 1, "{") || !is_word(tokens, colon - 1))
        continue;
      const std::vector<Tokens> items = arguments_at(tokens, colon + 1);
      if (!items.empty() && std::all_of(items.begin(), items.end(),
                                        [&](const Tokens& item) { return fixed_sql(item); })) {
        names.insert(tokens[colon - 1].text);
      }
    }
    return names;
  }

  std::vector<Sink> sinks_of(const Tokens& tokens) const {
    std::vector<Sink> sinks;
    const auto add = [&](std::size_t name_at, std::size_t open, std::size_t sql_index) {
      std::vector<Tokens> args = arguments_at(tokens, open);
      if (sql_index < args.size())
        sinks.push_back({tokens[name_at].line, tokens[name_at].text, std::move(args[sql_index])});
    };
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (!is_word(tokens, i)) continue;
      const std::string& word = tokens[i].text;
      const bool member = i > 0 && (is(tokens, i - 1, ".") || is(tokens, i - 1, "->"));
      const bool opens_next = is(tokens, i + 1, "(") || is(tokens, i + 1, "{");
      if (auto it = member_sinks().find(word); member && it != member_sinks().end()) {
        const std::size_t open =
            is(tokens, i + 1, "<") ? after_template_arguments(tokens, i + 1) : i + 1;
        if (is(tokens, open, "(")) add(i, open, it->second);
      } else if (auto fn = function_sinks().find(word);
                 !member && fn != function_sinks().end() && is(tokens, i + 1, "(")) {
        add(i, i + 1, fn->second);
      } else if (word == "Statement" && opens_next) {
        add(i, i + 1, 1);
      } else if (word == "Statement" && is_word(tokens, i + 1) &&
                 (is(tokens, i + 2, "(") || is(tokens, i + 2, "{"))) {
        add(i, i + 2, 1);
      } else if (statement_members_.contains(word) && opens_next && i > 0 &&
                 (is(tokens, i - 1, ":") || is(tokens, i - 1, ","))) {
        add(i, i + 1, 1);
      }
    }
    return sinks;
  }

  bool allowed(const std::string& path, const std::string& expression) const {
    return std::any_of(allowed_.begin(), allowed_.end(), [&](const AllowedSqlArgument& a) {
      return path.ends_with(a.path_suffix) && a.expression == expression;
    });
  }

  void check_sinks(const std::string& path, const Tokens& tokens) {
    const std::set<std::string> loop_variables = sql_loop_variables(tokens);
    for (const Sink& sink : sinks_of(tokens)) {
      ++scan_.sinks;
      const std::string expression = expression_of(sink.sql);
      const bool loop_variable =
          sink.sql.size() == 1 && is_word(sink.sql, 0) && loop_variables.contains(sink.sql[0].text);
      if (fixed_sql(sink.sql) || loop_variable || allowed(path, expression)) continue;
      scan_.findings.push_back(
          {path, sink.line, expression,
           sink.name + " takes SQL `" + expression +
               "`, which is neither a string literal nor a constant of a *_sql.h file"});
    }
  }

  const std::vector<AllowedSqlArgument>& allowed_;
  std::set<std::string, std::less<>> sql_macros_;
  std::set<std::string, std::less<>> sql_function_macros_;
  std::set<std::string, std::less<>> constants_;
  std::set<std::string, std::less<>> statement_members_;
  SqlScan scan_;
};

}  // namespace

SqlScan scan_sql_calls(const std::vector<SqlSource>& sources,
                       const std::vector<AllowedSqlArgument>& allowed) {
  return Scanner(allowed).run(sources);
}

}  // namespace cu::test
