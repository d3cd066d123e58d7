#include "ingest/backfill.h"

#include <chrono>
#include <system_error>

#include <fmt/format.h>

#include "log/log.h"

namespace cu {

void backfill(Ingestor& ingestor, const std::vector<SourceFile>& files,
              const std::function<void(const BackfillProgress&)>& on_progress) {
  BackfillProgress progress;
  progress.files_total = static_cast<std::int64_t>(files.size());
  std::vector<std::int64_t> sizes;
  sizes.reserve(files.size());
  for (const SourceFile& file : files) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file.path, ec);
    sizes.push_back(ec ? 0 : static_cast<std::int64_t>(size));
    progress.bytes_total += sizes.back();
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  ingestor.ingest_files(files, [&](std::size_t index) {
    ++progress.files_done;
    progress.bytes_done += sizes[index];
    if (on_progress) on_progress(progress);
  });
  const Clock::time_point read = Clock::now();
  ingestor.flush();
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  log::write(LogLevel::kInfo, fmt::format("backfill read {} files in {:.2f} s and refreshed the rollups in {:.2f} s",
                                          files.size(), seconds(read - start), seconds(Clock::now() - read)));
}

}  // namespace cu
