#pragma once
// Plans a corpus (projects, when sessions start, how large each is, which resume earlier ones)
// and writes it below options.out_dir/projects.
#include "gen_options.h"

namespace cu::gen {

// Deterministic: the same options give byte-identical files. Throws std::invalid_argument for
// bad options (or an out_dir/projects that already holds files) and std::system_error on I/O
// errors.
GenSummary generate_corpus(const GenOptions& options);

}  // namespace cu::gen
