#include "store/postgres_module.h"

#include <system_error>

#include <dlfcn.h>
#include <fmt/format.h>

namespace cu {

std::filesystem::path default_postgres_module_path() {
  std::error_code error;
  const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw PostgresModuleError(fmt::format("cannot find the PostgreSQL module: /proc/self/exe: {}", error.message()));
  return (program.parent_path() / CU_POSTGRES_MODULE_FROM_BIN).lexically_normal();
}

const PostgresBackend& load_postgres_backend(const std::filesystem::path& path) {
  const auto fail = [&path](std::string_view why) {
    return PostgresModuleError(fmt::format("PostgreSQL support cannot be loaded from {}: {}", path.string(), why));
  };
  // RTLD_NOW: a missing library is reported here, not as a crash at the first call. The module
  // keeps its own symbols to itself (it is built with hidden visibility), so RTLD_LOCAL.
  void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (module == nullptr) {
    const char* why = ::dlerror();
    throw fail(why != nullptr ? why : "unknown error");
  }
  // A module refused is unloaded again: nothing it made outlives this function.
  const auto refuse = [&](std::string_view why) {
    ::dlclose(module);
    return fail(why);
  };
  using Entry = const PostgresBackend* (*)();
  const auto entry = reinterpret_cast<Entry>(::dlsym(module, kPostgresModuleEntry));
  if (entry == nullptr) throw refuse(fmt::format("it has no {}", kPostgresModuleEntry));
  const PostgresBackend* backend = entry();
  if (backend == nullptr) throw refuse(fmt::format("its {} returned nothing", kPostgresModuleEntry));
  if (backend->version != CU_VERSION) {
    throw refuse(fmt::format("it comes from claude-usaged {}, this program is {}", backend->version, CU_VERSION));
  }
  return *backend;  // never dlclose()d: its code runs as long as the stores it made
}

}  // namespace cu
