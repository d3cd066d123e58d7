#pragma once
// Safe readers of a daemon's answer for the CLI's printers: the data came from a daemon, maybe
// another build; a missing or mistyped key reads as empty or zero rather than throwing.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cu::ctl {

// The member `key` of `object`; a null JSON when `object` is no object or lacks it.
const nlohmann::json& at(const nlohmann::json& object, std::string_view key);
std::int64_t int_at(const nlohmann::json& object, std::string_view key);
double number_at(const nlohmann::json& object, std::string_view key);
std::string text_at(const nlohmann::json& object, std::string_view key);
bool flag_at(const nlohmann::json& object, std::string_view key);
// An ISO-8601 time as Unix ms; 0 when absent or unparsable.
std::int64_t time_at(const nlohmann::json& object, std::string_view key);
// The array `key`; an empty array otherwise.
const nlohmann::json& list_at(const nlohmann::json& object, std::string_view key);

}  // namespace cu::ctl
