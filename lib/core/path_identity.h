#pragma once
// One directory reached through different spellings (a symlink, `..`, a trailing slash) has one
// identity, so that a root configured twice is followed once.
#include <filesystem>

namespace cu {

// The canonical path when `path` resolves; otherwise its lexically normal form.
inline std::filesystem::path path_identity(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::canonical(path, ec);
  return ec ? path.lexically_normal() : canonical;
}

}  // namespace cu
