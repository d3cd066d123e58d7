// The PostgreSQL module as the daemon loads it (postgres_module.h): found next to the running
// program, refused with a message naming it when missing, not a module, or from another build.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <dlfcn.h>
#include <fmt/format.h>

#include "pricing/price_table.h"
#include "rollup/calendar.h"
#include "store/postgres_module.h"
#include "store/postgres_test_db.h"
#include "store/sample_events.h"
#include "store/sqlite_store.h"
#include "support/test_support.h"

namespace cu {
namespace {

namespace fs = std::filesystem;

// The message `load_postgres_backend(path)` refuses the module with ("" when it loads).
std::string refusal(const fs::path& path) {
  try {
    load_postgres_backend(path);
  } catch (const PostgresModuleError& error) {
    return error.what();
  }
  return "";
}

// Whether the shared object at `path` is mapped into this process.
bool loaded(const fs::path& path) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

TEST(PostgresModuleTest, TheModuleIsFoundFromTheProgramsFolder) {
  // The tests run from bin/ of the build tree, which is laid out like an installation.
  EXPECT_EQ(default_postgres_module_path(), (test::bin_dir() / "../lib/claude-usaged/modules/postgres.so").lexically_normal());
  EXPECT_TRUE(fs::is_regular_file(default_postgres_module_path()));
}

TEST(PostgresModuleTest, ItsStoresWriteAndReadThroughTheModule) {
  CU_POSTGRES_URL_OR_SKIP(url);
  test::ScratchDatabase database(url);
  const PostgresBackend& backend = load_postgres_backend();
  EXPECT_EQ(backend.version, CU_VERSION);
  EXPECT_EQ(&load_postgres_backend(), &backend);  // one module per process
  EXPECT_EQ(backend.conninfo(database.options()), postgres_conninfo(database.options()));

  // The same batch through the module's store and through this program's SQLite store: the types
  // that cross the boundary are the program's.
  const Calendar calendar("UTC");
  const PriceTable prices = PriceTable::builtin();
  const RollupSettings settings{&calendar, &prices, std::chrono::hours(5), 1'900'000'000'000};
  IngestBatch batch;
  for (std::int64_t id = 1; id <= 3; ++id) {
    batch.inserted.push_back(test::sample_event(id, fmt::format("2026-02-0{}T10:00:00.000Z", id), "s1", 100 * id));
  }
  const test::TempDir temp;
  SqliteStore local(temp.path() / "usage.db", "ana@laptop");
  local.commit(batch, settings);
  local.refresh_rollups(settings);
  const std::unique_ptr<TeamStore> store = backend.connect(database.options(), "ana@laptop");
  EXPECT_EQ(store->backend(), "postgres");
  EXPECT_EQ(store->shipped_seq(""), 0);
  store->commit(batch, settings);
  store->refresh_rollups(settings);
  EXPECT_EQ(store->event_count(), 3);
  test::expect_same_tables(local, *store);

  // Its errors are this program's types: the Shipper tells a refusal from a lost connection.
  PostgresOptions unreachable = database.options();
  unreachable.url = "postgresql://nobody@127.0.0.1:9/none";
  unreachable.connect_timeout = std::chrono::seconds(1);
  EXPECT_THROW(backend.connect(unreachable, "ana@laptop"), PostgresError);
  unreachable.url = "postgresql://[";
  EXPECT_THROW(backend.conninfo(unreachable), PostgresConfigError);
}

TEST(PostgresModuleTest, AMissingModuleIsRefusedNamingItsPath) {
  const test::TempDir temp;
  const std::string message = refusal(temp.path() / "modules" / "postgres.so");
  EXPECT_NE(message.find("PostgreSQL support cannot be loaded from " + (temp.path() / "modules/postgres.so").string()),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

TEST(PostgresModuleTest, ASharedObjectThatIsNotTheModuleIsRefused) {
  const fs::path not_a_module = test::bin_dir() / "../lib/claude-usaged-test/not_a_module.so";
  const std::string message = refusal(not_a_module);
  EXPECT_NE(message.find("it has no cu_postgres_backend_v1"), std::string::npos) << message;
  EXPECT_FALSE(loaded(not_a_module));  // refused, and unloaded again
}

TEST(PostgresModuleTest, AModuleOfAnotherBuildIsRefused) {
  const fs::path foreign = test::bin_dir() / "../lib/claude-usaged-test/foreign_module.so";
  const std::string message = refusal(foreign);
  EXPECT_NE(message.find(fmt::format("it comes from claude-usaged 0.0.0-foreign, this program is {}", CU_VERSION)),
            std::string::npos)
      << message;
  EXPECT_FALSE(loaded(foreign));
}

}  // namespace
}  // namespace cu
