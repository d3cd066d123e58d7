#pragma once
// The CLI's human-readable output of each command, rendered from the command's JSON data (what
// the daemon sent), so the printers never need the database.
#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "ctl/command_args.h"
#include "ctl/statusline_format.h"

namespace cu::ctl {

struct PrintContext {
  bool colour = false;        // ANSI colours (a terminal, NO_COLOR unset)
  std::string zone = "local";  // where block times are shown
  StatuslineHook hook;        // statusline only
  bool compact = false;       // --compact: tables without the cache and total token columns
  std::map<std::string, std::string> project_aliases;  // --project-aliases: names shown for folders
};

void print_daily(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
void print_weekly(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
void print_monthly(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context,
                   std::ostream& out);
void print_hourly(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
void print_session(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context,
                   std::ostream& out);
void print_blocks(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
// limits: the official windows now; with --history, each past window.
void print_limits(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
void print_status(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
// web: the dashboard's URL; with --open, also opened with xdg-open (a failure to is said on `out`).
void print_web(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
// rescan and reload: the daemon's message.
void print_action(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out);
void print_statusline(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context,
                      std::ostream& out);

// A horizontal bar per row of `rows` (objects with `key_name` and "totalCost"), scaled to the
// costliest; used by `daily --chart`.
std::string cost_chart(const nlohmann::json& rows, std::string_view key_name, bool colour);

}  // namespace cu::ctl
