// SPEC §9: every SQL statement is parameterized. The sources of lib/ hand a database API only SQL
// fixed at compile time, and the scanner that checks this (sql_call_scanner.h) is shown to catch
// SQL built at run time in every form it claims to.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "security/sql_call_scanner.h"
#include "support/test_support.h"

namespace cu::test {
namespace {

namespace fs = std::filesystem;

// SQL that is neither a literal nor a *_sql.h constant but is fixed: the migration files of
// schema/, compiled into the binary (EmbeddedFile) and run as they are.
const std::vector<AllowedSqlArgument>& tree_allowed() {
  static const std::vector<AllowedSqlArgument> allowed = {
      {"lib/store/sqlite_store.cpp", "std::string(file.text)"},
      {"lib/store/postgres_migrate.cpp", "std::string(next->text)"},
  };
  return allowed;
}

std::vector<SqlSource> lib_sources() {
  const fs::path root(CU_SOURCE_DIR);
  std::vector<SqlSource> sources;
  for (const auto& entry : fs::recursive_directory_iterator(root / "lib")) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".h" && ext != ".in")) continue;
    sources.push_back({fs::relative(entry.path(), root).generic_string(), read_file(entry.path())});
  }
  std::sort(sources.begin(), sources.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return sources;
}

std::string describe(const std::vector<SqlFinding>& findings) {
  std::string text;
  for (const SqlFinding& f : findings)
    text += f.path + ":" + std::to_string(f.line) + ": " + f.message + "\n";
  return text;
}

// A SQL constants file for the snippets below.
const SqlSource kSqlHeader = {"lib/demo/demo_sql.h", R"(#pragma once
#define CU_DEMO_COLUMNS \
  " id, name "
#define CU_DEMO_MS(column) "(extract(epoch from " column ") * 1000)::bigint"
namespace cu::demo_sql {
inline constexpr const char* kSelectAll = "SELECT" CU_DEMO_COLUMNS "FROM t WHERE source = ?1";
inline constexpr char kDeleteOne[] = "DELETE FROM t WHERE id = $1";
inline constexpr const char* kPragmas =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA foreign_keys=ON;";
inline constexpr const char* kTimes =
    "SELECT" CU_DEMO_MS("start_time") ", " CU_DEMO_MS("end_time") "FROM t";
}  // namespace cu::demo_sql
)"};

SqlScan scan_snippet(const std::string& code, std::vector<SqlSource> extra = {}) {
  extra.push_back(kSqlHeader);
  extra.push_back({"lib/demo/demo.cpp", code});
  return scan_sql_calls(extra, {});
}

struct Planted {
  std::string name;
  std::string code;
  int line;  // of the finding, in the snippet
};

TEST(SqlCallScanner, FlagsSqlBuiltAtRunTime) {
  const std::vector<Planted> planted = {
      {"fmt::format into exec",
       "void f(SQLite::Database& db, const std::string& name) {\n"
       "  db.exec(fmt::format(\"DELETE FROM t WHERE name = '{}'\", name));\n}",
       2},
      {"concatenation into exec_params",
       "void f(pqxx::work& t, std::string v) {\n"
       "  t.exec_params(\"SELECT * FROM t WHERE a = \" + v);\n}",
       2},
      {"string built before a Statement",
       "void f(SQLite::Database& db, std::string name) {\n"
       "  std::string sql = \"SELECT 1 FROM t WHERE n = '\";\n"
       "  sql += name;\n"
       "  SQLite::Statement query(db, sql);\n}",
       4},
      {"temporary Statement",
       "void f(SQLite::Database& db, std::string c) {\n"
       "  SQLite::Statement(db, std::string(\"SELECT \") + c).exec();\n}",
       2},
      {"pointer member call",
       "void f(pqxx::work* t, std::string y) { t->exec(\"UPDATE t SET x = '\" + y + \"'\"); }", 1},
      {"sqlite3_exec",
       "void f(sqlite3* h, const std::string& text) {\n"
       "  sqlite3_exec(h, text.c_str(), nullptr, nullptr, nullptr);\n}",
       2},
      {"prepared statement text",
       "void f(pqxx::connection& c, std::string w) { c.prepare(\"find\", \"SELECT * FROM t WHERE "
       "\" + w); }",
       1},
      {"member initializer",
       "struct Impl {\n"
       "  SQLite::Statement find;\n"
       "  Impl(SQLite::Database& db, const std::string& table)\n"
       "      : find(db, \"SELECT * FROM \" + table) {}\n};",
       4},
      {"templated query",
       "int f(pqxx::work& t, const std::string& built) { return t.query_value<int>(built); }", 1},
      {"loop over variables",
       "void f(SQLite::Database& db, const char* a, const char* b) {\n"
       "  for (const char* text : {a, b}) {\n"
       "    SQLite::Statement s(db, text);\n  }\n}",
       3},
      {"braced declaration",
       "void f(SQLite::Database& db, std::string w) { SQLite::Statement s{db, w}; }", 1},
      {"execAndGet",
       "int f(SQLite::Database& db, std::string q) { return db.execAndGet(q).getInt(); }", 1},
      {"migration text off the allowlist",
       "void f(pqxx::work& t, const EmbeddedFile* next) {\n"
       "  t.exec(std::string(next->text));\n}",
       2},
  };
  for (const Planted& p : planted) {
    const SqlScan scan = scan_snippet(p.code);
    ASSERT_EQ(scan.findings.size(), 1u) << p.name << "\n" << describe(scan.findings);
    EXPECT_EQ(scan.findings[0].path, "lib/demo/demo.cpp") << p.name;
    EXPECT_EQ(scan.findings[0].line, p.line) << p.name;
  }
}

TEST(SqlCallScanner, FlagsSqlConstantsBuiltAtRunTime) {
  const SqlSource bad_header = {
      "lib/demo/bad_sql.h",
      "#define CU_TABLE table_name()\n"
      "#define CU_BUILD(x) \"SELECT \" + x\n"
      "inline const std::string kByName = std::string(\"SELECT \") + kTable;\n"
      "inline const std::string kFromMacro = \"SELECT * FROM \" CU_TABLE;\n"
      "inline const std::string kMacroOfVariable = \"SELECT \" CU_DEMO_MS(column) \"FROM t\";\n"
      "inline const std::string kBuildingMacro = CU_BUILD(\"a\");\n"};
  const SqlScan scan =
      scan_snippet("void f(SQLite::Database& db) { db.exec(kByName); }", {bad_header});
  ASSERT_EQ(scan.findings.size(), 5u) << describe(scan.findings);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(scan.findings[i].line, 3 + i);
  EXPECT_EQ(scan.findings[4].path, "lib/demo/demo.cpp");
}

TEST(SqlCallScanner, AcceptsSqlFixedAtCompileTime) {
  const std::string code = R"cpp(// Literals, constants, and code that only looks like SQL calls.
#define RUN(x) db.exec(x + suffix)
namespace sql = cu::demo_sql;
struct Impl {
  SQLite::Statement select_all;
  SQLite::Statement delete_one;
  Impl(SQLite::Database& db)
      : select_all(db, sql::kSelectAll), delete_one{db, sql::kDeleteOne} {}
};
void f(SQLite::Database& db, pqxx::work& t, const std::string& source, std::string name) {
  db.exec(sql::kPragmas);
  db.exec("PRAGMA optimize");
  db.exec(R"sql(CREATE TABLE t (a INTEGER, b TEXT) -- it's "fine")sql");
  t.exec_params(sql::kSelectAll, source, name + "%");
  t.exec_params(::cu::demo_sql::kDeleteOne, 42);
  SQLite::Statement query(db, "SELECT" CU_DEMO_COLUMNS "FROM t");
  SQLite::Statement other{db, kDeleteOne};
  query.exec();
  for (const char* clear : {sql::kDeleteOne, sql::kSelectAll}) {
    SQLite::Statement statement(db, clear);
    statement.exec();
  }
  // db.exec(fmt::format("DELETE FROM {}", name));
  /* t.exec("SELECT " + name); */
  log("t.exec(\"" + name + "\")", 'x');
  read_event(SQLite::Statement& row);
}
)cpp";
  const SqlScan scan = scan_snippet(code);
  EXPECT_TRUE(scan.findings.empty()) << describe(scan.findings);
  EXPECT_EQ(scan.sinks, 10u);
  EXPECT_EQ(scan.constants, 4u);
}

// The guard itself: lib/ as it is.
TEST(SqlInjectionGuard, LibPassesOnlyFixedSqlToTheDatabase) {
  const std::vector<SqlSource> sources = lib_sources();
  const SqlScan scan = scan_sql_calls(sources, tree_allowed());
  EXPECT_TRUE(scan.findings.empty())
      << "SQL must be a literal or a *_sql.h constant, values bound as "
         "parameters:\n"
      << describe(scan.findings);
  // A scanner that stopped seeing the store's calls would pass vacuously.
  EXPECT_GE(scan.sinks, 20u);
  EXPECT_GE(scan.constants, 40u);
}

// Every allowlist entry still names a real call, and nothing else needs one.
TEST(SqlInjectionGuard, AllowlistIsExactlyTheMigrationRunners) {
  const SqlScan scan = scan_sql_calls(lib_sources(), {});
  ASSERT_EQ(scan.findings.size(), tree_allowed().size()) << describe(scan.findings);
  for (const AllowedSqlArgument& allowed : tree_allowed()) {
    EXPECT_TRUE(std::any_of(scan.findings.begin(), scan.findings.end(),
                            [&](const SqlFinding& f) {
                              return f.path.ends_with(allowed.path_suffix) &&
                                     f.expression == allowed.expression;
                            }))
        << allowed.path_suffix << ": " << allowed.expression;
  }
}

}  // namespace
}  // namespace cu::test
