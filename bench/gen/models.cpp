#include "models.h"

#include <array>

namespace cu::gen {
namespace {

// Weights follow what real logs show: Sonnet most, Opus next, Haiku mostly in subagents.
constexpr std::array<ModelProfile, 11> kCatalog = {{
    {"claude-sonnet-4-5-20250929", 30, true, false, false},
    {"claude-sonnet-4-20250514", 14, true, false, false},
    {"claude-opus-4-1-20250805", 10, false, false, false},
    {"claude-opus-4-6", 12, false, true, true},
    {"claude-haiku-4-5-20251001", 6, false, false, false},
    {"claude-opus-4-20250514", 5, false, false, false},
    {"claude-opus-4-5-20251101", 8, false, false, false},
    {"claude-sonnet-4-6", 5, false, false, true},
    {"claude-3-7-sonnet-20250219", 3, false, false, false},
    {"claude-3-5-haiku-20241022", 2, false, false, false},
    {"claude-opus-4-7", 2, false, false, true},
}};

}  // namespace

std::span<const ModelProfile> model_catalog() { return kCatalog; }

const ModelProfile& subagent_model() { return kCatalog[4]; }

}  // namespace cu::gen
