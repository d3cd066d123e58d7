// Shared objects postgres_module_test.cpp offers the loader instead of the PostgreSQL module.
// Built twice: as foreign_module.so, a module of another build (another version, no functions),
// and with CU_NOT_A_MODULE as not_a_module.so, a shared object without the module's entry point.
#include "store/postgres_module.h"

#ifdef CU_NOT_A_MODULE
extern "C" __attribute__((visibility("default"))) int cu_not_a_postgres_module() { return 0; }
#else
extern "C" __attribute__((visibility("default"))) const cu::PostgresBackend* cu_postgres_backend_v1() {
  static const cu::PostgresBackend backend{"0.0.0-foreign", nullptr, nullptr};
  return &backend;
}
#endif
