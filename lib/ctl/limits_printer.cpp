// `claude-usagectl limits` as tables: the official windows now, or their history.
#include <fmt/format.h>

#include "ctl/json_fields.h"
#include "ctl/report_printers.h"
#include "ctl/text_format.h"
#include "ctl/text_table.h"

namespace cu::ctl {
namespace {

using Json = nlohmann::json;

constexpr double kLowPercent = 50;
constexpr double kHighPercent = 80;

std::string window_name(const Json& window) {
  const std::string name = text_at(window, "window");
  if (name == "five_hour") return "5-hour";
  if (name == "seven_day") return "7-day";
  return name;
}

Colour percent_colour(double percent) {
  if (percent < kLowPercent) return Colour::kGreen;
  return percent < kHighPercent ? Colour::kYellow : Colour::kRed;
}

std::string percent_cell(double percent, bool colour) {
  return paint(fmt::format("{:.1f}%", percent), percent_colour(percent), colour);
}

std::string money_or_dash(const Json& object, std::string_view key) {
  return at(object, key).is_number() ? format_currency(number_at(object, key)) : "-";
}

std::string reading_age(const Json& window, bool colour) {
  const std::string age = format_minutes(int_at(window, "ageSeconds") / 60) + " ago";
  if (flag_at(window, "resetPassed")) return paint(age + " (window reset)", Colour::kDim, colour);
  return flag_at(window, "stale") ? paint(age + " (stale)", Colour::kYellow, colour) : age;
}

std::string full_at(const Json& window, const PrintContext& context) {
  const std::int64_t projected = time_at(window, "projectedFullAt");
  if (projected == 0) return "-";
  const std::string when = format_local_minute(projected, context.zone);
  return flag_at(window, "hitsBeforeReset") ? paint(when + " before reset", Colour::kRed, context.colour) : when;
}

void print_current(const Json& data, const PrintContext& context, std::ostream& out) {
  const Json& windows = list_at(data, "windows");
  if (windows.empty()) {
    out << "No official limits recorded yet: they come with Claude Code's statusline (2.1.80+, Pro/Max)\n"
           "when it runs `claude-usagectl statusline`.\n";
  } else {
    TextTable table({{"Window"}, {"Used", Align::kRight}, {"Resets"}, {"Reading"}, {"Window cost", Align::kRight},
                     {"Limit (est.)", Align::kRight}, {"Burn/hr", Align::kRight}, {"Full at (est.)"}});
    for (const Json& window : windows) {
      table.add_row({window_name(window), percent_cell(number_at(window, "usedPercentage"), context.colour),
                     format_local_minute(time_at(window, "resetsAt"), context.zone), reading_age(window, context.colour),
                     format_currency(number_at(window, "windowCostUSD")), money_or_dash(window, "estimatedLimitUSD"),
                     format_currency(number_at(window, "burnRateUSDPerHour")), full_at(window, context)});
    }
    out << paint("Official limits (Claude Code)", Colour::kBold, context.colour) << "\n\n"
        << table.render(context.colour);
  }
  const Json& p90 = at(data, "p90Tokens");
  out << "P90 token limit (input + output, recent blocks): "
      << (p90.is_number() ? format_number(p90.get<std::int64_t>()) : std::string("none (no completed blocks)")) << "\n";
}

void print_history(const Json& data, const PrintContext& context, std::ostream& out) {
  const Json& windows = list_at(data, "windows");
  if (windows.empty()) {
    out << "No official limits recorded in this range.\n";
    return;
  }
  const std::size_t count = list_at(data, "snapshots").size();
  TextTable table({{"Window"}, {"Start"}, {"Resets"}, {"Readings", Align::kRight}, {"Peak", Align::kRight},
                   {"Cost", Align::kRight}, {"Tokens (in+out)", Align::kRight}, {"100% (measured)", Align::kRight}});
  for (const Json& window : windows) {
    table.add_row({window_name(window), format_local_minute(time_at(window, "start"), context.zone),
                   format_local_minute(time_at(window, "resetsAt"), context.zone),
                   format_number(int_at(window, "readings")),
                   percent_cell(number_at(window, "peakPercentage"), context.colour),
                   format_currency(number_at(window, "costUSD")), format_number(int_at(window, "inputOutputTokens")),
                   money_or_dash(window, "impliedLimitUSD")});
  }
  out << paint("Official limits, per window", Colour::kBold, context.colour) << "\n\n"
      << table.render(context.colour)
      << fmt::format("{} reading{} recorded (claude-usagectl limits --history --json lists them)\n", count,
                     count == 1 ? "" : "s");
}

}  // namespace

void print_limits(const nlohmann::json& data, const CommandArgs& args, const PrintContext& context, std::ostream& out) {
  if (args.history) {
    print_history(data, context, out);
  } else {
    print_current(data, context, out);
  }
}

}  // namespace cu::ctl
