#include "ingest/backfill.h"

#include <system_error>

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
  for (std::size_t i = 0; i < files.size(); ++i) {
    ingestor.ingest_file(files[i]);
    ++progress.files_done;
    progress.bytes_done += sizes[i];
    if (on_progress) on_progress(progress);
  }
  ingestor.flush();
}

}  // namespace cu
