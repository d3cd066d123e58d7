#pragma once
// Paths derived from the environment (XDG base directories, HOME): the pieces the defaults of
// SPEC §2 and §8 are built from. Pure functions of an Environment.
#include <filesystem>
#include <string>
#include <string_view>

#include "config/config.h"

namespace cu {

// HOME, or ConfigError when it is unset or empty.
std::filesystem::path home_dir(const Environment& env);

// `text` with a leading "~" or "~/" replaced by HOME; other text unchanged.
std::filesystem::path expand_home(std::string_view text, const Environment& env);

// The XDG base directory `variable` when it is set to an absolute path (the XDG rule), else
// HOME/`fallback_below_home`.
std::filesystem::path xdg_dir(const Environment& env, const std::string& variable,
                              std::string_view fallback_below_home);

// ${XDG_STATE_HOME:-~/.local/state}/claude-usaged: the database and the fallback socket live here.
std::filesystem::path state_dir(const Environment& env);

std::filesystem::path default_sqlite_path(const Environment& env);

// $XDG_RUNTIME_DIR/claude-usaged.sock; without XDG_RUNTIME_DIR (a system unit, a cron job) the
// socket goes to the state directory, which the daemon owns and may write, rather than guessing
// /run/user/<uid>, which exists only during a login session.
std::filesystem::path default_ctl_socket(const Environment& env);

// <USER>@<hostname> (LOGNAME when USER is unset).
std::string default_identity(const Environment& env);

// `dir` lexically normalized, without a trailing separator ("/a/b/" -> "/a/b").
std::filesystem::path normalize_dir(const std::filesystem::path& dir);

}  // namespace cu
