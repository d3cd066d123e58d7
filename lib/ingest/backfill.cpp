#include "ingest/backfill.h"

#include <chrono>

#include <fmt/format.h>

#include "log/log.h"

namespace cu {

void backfill(Ingestor& ingestor, const std::vector<SourceFile>& files) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  ingestor.ingest_files(files);
  const Clock::time_point read = Clock::now();
  ingestor.flush();
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  log::write(LogLevel::kInfo, fmt::format("backfill read {} files in {:.2f} s and refreshed the rollups in {:.2f} s",
                                          files.size(), seconds(read - start), seconds(Clock::now() - read)));
}

}  // namespace cu
