#pragma once
// The HTTP bearer token (SPEC §12): 32 random bytes as 64 hex digits in a file of mode 0600 in the
// state directory, made on first start and kept across restarts, so that a bookmarked dashboard
// URL keeps working; another local user cannot read it, so cannot read your usage.
#include <filesystem>
#include <string>
#include <string_view>

namespace cu::http {

// The token in `path`, creating the file (and its directory, 0700) with a new token when it does not
// exist. A token file readable or writable by others is made 0600 first. Throws
// std::runtime_error naming the path when it cannot be read, made or holds no valid token.
std::string load_or_create_token(const std::filesystem::path& path);

// Compares in time independent of where the texts differ (no early exit on the first mismatch).
bool tokens_equal(std::string_view a, std::string_view b);

}  // namespace cu::http
