#include "docs/generated_files.h"

#include "docs/completions.h"
#include "docs/man_pages.h"

namespace cu::docs {
namespace {

// Where each shell looks for the completions a package ships (bash-completion's, zsh's and fish's
// vendor directories), by program name.
std::vector<GeneratedFile> completions_of(const ProgramDoc& program) {
  return {
      {"bash-completion/completions/" + program.name, bash_completion(program)},
      {"zsh/vendor-completions/_" + program.name, zsh_completion(program)},
      {"fish/vendor_completions.d/" + program.name + ".fish", fish_completion(program)},
  };
}

}  // namespace

std::vector<GeneratedFile> generated_files() {
  std::vector<GeneratedFile> files = {
      {"man/man8/claude-usaged.8", daemon_man_page()},
      {"man/man1/claude-usagectl.1", ctl_man_page()},
      {"man/man5/claude-usaged.yaml.5", config_man_page()},
  };
  for (const ProgramDoc& program : {daemon_doc(), ctl_doc()}) {
    for (GeneratedFile& file : completions_of(program)) files.push_back(std::move(file));
  }
  return files;
}

}  // namespace cu::docs
