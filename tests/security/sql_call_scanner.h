#pragma once
// A source scanner that finds SQL built at run time (SPEC §9: every SQL statement is
// parameterized). It looks at every place C++ source hands SQL text to a database API and accepts
// only SQL that is fixed at compile time: string literals, or named constants of a `*_sql.h` file
// (themselves made of string literals only). Everything else, such as fmt::format, `+` or a
// std::string assembled earlier, is a finding. It lexes, it does not compile: see scan_sql_calls
// for the exact rules.
#include <cstddef>
#include <string>
#include <vector>

namespace cu::test {

struct SqlSource {
  std::string path;  // as reported; a path ending in "_sql.h" is a SQL constants file
  std::string text;
};

// An argument that is not a literal nor a SQL constant but is known to be fixed SQL (e.g. the text
// of a migration file compiled into the binary). `expression` is the argument's tokens joined
// without spaces, except one space between two words (e.g. "std::string(file.text)").
struct AllowedSqlArgument {
  std::string path_suffix;
  std::string expression;
};

struct SqlFinding {
  std::string path;
  int line = 0;
  std::string
      expression;  // the offending SQL argument or constant initializer, as in AllowedSqlArgument
  std::string message;
};

struct SqlScan {
  std::size_t sinks = 0;      // SQL-taking calls seen (with an argument to check)
  std::size_t constants = 0;  // SQL constants found in *_sql.h files
  std::vector<SqlFinding> findings;
};

// Sinks, with the index of their SQL argument:
// - member calls `.f(` / `->f(` for f in exec, exec0, exec1, exec_params, exec_params0,
//   exec_params1, exec_params_n, query, query1, query01, query_n, query_value, stream, for_query,
//   for_stream, execAndGet, tryExec (argument 0), and prepare (argument 1, when it has two);
// - `Statement(` / `Statement{` and `Statement name(` / `Statement name{` (argument 1), and a
//   member declared `Statement name;` initialized as `name(` after ':' or ',' (argument 1);
// - sqlite3_exec, sqlite3_prepare, sqlite3_prepare_v2, sqlite3_prepare_v3, PQexec,
//   PQexecParams, PQsendQuery (argument 1), PQprepare (argument 2).
// A sink whose SQL argument is missing (`statement.exec()`) is not counted.
//
// An argument is accepted when it is: adjacent string literals, possibly with macros #defined in a
// *_sql.h file as string literals only; a (qualified) name whose last part is a constant of a
// *_sql.h file; a variable of a range-for over a braced list of such constants in the same file;
// or listed in `allowed`. A *_sql.h constant (`kName = ...;`) that is not made of literals and
// such macros is a finding too. Comments, literals and preprocessor lines never count as sinks.
SqlScan scan_sql_calls(const std::vector<SqlSource>& sources,
                       const std::vector<AllowedSqlArgument>& allowed);

}  // namespace cu::test
