// claude-usaged.yaml(5).
#include <fmt/format.h>

#include "config/config.h"
#include "config/config_keys.h"
#include "docs/man_page.h"
#include "docs/man_pages.h"
#include "docs/roff.h"

namespace cu::docs {
namespace {

std::string synopsis() {
  return roff_bold("${XDG_CONFIG_HOME:-~/.config}/claude-usaged/config.yaml") + "\n.br\n" +
         roff_bold("/etc/claude-usaged/config.yaml") + " (the system template claude-usaged@.service)\n";
}

std::string description() {
  return paragraphs({
      "claude-usaged(8) reads its configuration from a YAML file: a mapping of the keys below, a dotted "
      "key such as `storage.sqlite_path` being `sqlite_path` in the mapping `storage`. Every key is optional; a missing file, an empty one "
      "or an empty value means the default. --config names another file, which must then exist.",
      "Unknown keys and bad values are errors that name the key and the line; the daemon then exits 78 and the "
      "units do not restart it. `claude-usaged --check-config` prints the effective configuration, every "
      "default filled in. A running daemon re-reads the file on SIGHUP (`systemctl reload`); `ctl.socket` and "
      "`ctl.group` take effect at the next start.",
      "~ at the start of a path is the home directory.",
  });
}

std::string key_entry(const ConfigKey& key) {
  return tagged(roff_bold(key.path), fmt::format("{} Default: {}.", key.description, default_text(key)));
}

std::string keys() {
  std::string body;
  for (const ConfigKey& key : config_keys()) body += key_entry(key);
  return body;
}

std::string example() {
  return paragraphs({"Every key with its default, as /usr/share/doc/claude-usaged/claude-usaged.yaml has them; "
                     "remove the # in front of a key (and of its section) to set it:"}) +
         literal_block(render_example_config());
}

std::string see_also() {
  return fmt::format("{},\n{}\n", page_reference("claude-usaged", 8), page_reference("claude-usagectl", 1));
}

}  // namespace

std::string config_man_page() {
  return render_man_page(ManPage{"claude-usaged.yaml", 5, "configuration of claude-usaged",
                                 {{"SYNOPSIS", synopsis()},
                                  {"DESCRIPTION", description()},
                                  {"KEYS", keys()},
                                  {"EXAMPLE", example()},
                                  {"SEE ALSO", see_also()}}});
}

}  // namespace cu::docs
