// The PostgreSQL module's one exported symbol (postgres_module.h): everything else in the module is
// hidden (lib/store/CMakeLists.txt), so its copies of the libraries it shares with the programs
// never take the programs' place.
#include "store/postgres_module.h"
#include "store/postgres_store.h"

namespace {

std::unique_ptr<cu::TeamStore> connect(const cu::PostgresOptions& options, std::string source) {
  return std::make_unique<cu::PostgresStore>(options, std::move(source));
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const cu::PostgresBackend* cu_postgres_backend_v1() {
  static const cu::PostgresBackend backend{CU_VERSION, &connect, &cu::postgres_conninfo};
  return &backend;
}
