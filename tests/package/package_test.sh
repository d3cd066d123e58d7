#!/usr/bin/env bash
# The Debian package as a machine meets it: scripts/package builds it from this build, lintian
# finds no error or warning, dpkg installs it into a scratch root (its dependencies checked against
# this machine's installed packages), the files are where they belong, the installed claude-usaged
# --once stores the events of the shared logs and the installed claude-usagectl reports them from
# the installed daemon, and a purge leaves nothing behind. Exit 77 (skipped) when not root: dpkg
# needs it. Environment: BUILD_DIR, CU_SOURCE_DIR (tests/package/CMakeLists.txt).
set -euo pipefail

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
# A missing tool or data set skips the test, but fails it in CI, where scripts/install-deps and
# the checkout's neighbours provide them.
require() { if [[ ${CI:-} == true ]]; then fail "$*"; else skip "$*"; fi; }

((EUID == 0)) || skip "installing a package with dpkg --root needs root (CI runs as root)"
for tool in dpkg dpkg-deb lintian sqlite3; do
  command -v "$tool" >/dev/null || require "$tool is missing (scripts/install-deps)"
done
source_dir=${CU_SOURCE_DIR:?}
build_dir=${BUILD_DIR:?}
logs=$source_dir/../shared/data/claude-logs
[[ -d $logs/projects ]] || require "$logs is missing"

work=$(mktemp -d)
daemon_pid=
cleanup() {
  if [[ -n $daemon_pid ]]; then kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- build and lint ----------------------------------------------------------------------------
deb=$(BUILD_DIR=$build_dir "$source_dir/scripts/package" --output "$work/out")
echo "built $deb"
[[ $(basename "$deb") =~ ^claude-usaged_[0-9]+\.[0-9]+\.[0-9]+_[a-z0-9]+\.deb$ ]] || fail "unexpected name $deb"
# Its info tags (hardening flags, a third-party library's spelling) are explained in
# cmake/Package.cmake.
lint=$(lintian --fail-on error,warning "$deb" 2>&1) || fail "lintian reports errors or warnings: $lint"
[[ -z $(dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -E 'preinst|postinst|prerm|postrm') ]] ||
  fail "the package has maintainer scripts; installing it must start nothing"

# ---- install into a scratch root -----------------------------------------------------------------
# Its dpkg database starts as this machine's, so that dpkg checks the dependencies for real; every
# package is listed with no files, so that the scratch root's files are the package's alone.
root=$work/root
admin=$root/var/lib/dpkg
mkdir -p "$admin/info" "$admin/updates" "$admin/triggers"
cp /var/lib/dpkg/status "$admin/status"
touch "$admin/available"
dpkg-query -W -f='${binary:Package}\n' | sed "s#.*#$admin/info/&.list#" | xargs touch
# --path-include: a slim image's dpkg.cfg.d excludes /usr/share/man and /usr/share/doc, which this
# test checks; the command line comes after the configuration, so everything is unpacked here.
dpkg --root="$root" --path-include='/*' --install "$deb" || fail "dpkg --install"

expected=(
  /usr/bin/claude-usaged /usr/bin/claude-usagectl /usr/lib/claude-usaged/modules/postgres.so
  /usr/lib/systemd/user/claude-usaged.service /usr/lib/systemd/system/claude-usaged@.service
  /etc/claude-usaged/config.yaml
  /usr/share/man/man8/claude-usaged.8.gz /usr/share/man/man1/claude-usagectl.1.gz
  /usr/share/man/man5/claude-usaged.yaml.5.gz
  /usr/share/bash-completion/completions/claude-usagectl /usr/share/bash-completion/completions/claude-usaged
  /usr/share/zsh/vendor-completions/_claude-usagectl /usr/share/zsh/vendor-completions/_claude-usaged
  /usr/share/fish/vendor_completions.d/claude-usagectl.fish /usr/share/fish/vendor_completions.d/claude-usaged.fish
  /usr/share/doc/claude-usaged/README.md /usr/share/doc/claude-usaged/SYSTEMD.md
  /usr/share/doc/claude-usaged/claude-usaged.yaml /usr/share/doc/claude-usaged/copyright
  /usr/share/doc/claude-usaged/changelog.gz
)
listed=$(dpkg --root="$root" --listfiles claude-usaged)
for path in "${expected[@]}"; do
  grep -qx "$path" <<<"$listed" || fail "$path is not in the package"
  [[ -f $root$path ]] || fail "$path is not installed"
done
[[ -x $root/usr/bin/claude-usaged && -x $root/usr/bin/claude-usagectl ]] || fail "the programs are not executable"
grep -q '^/etc/claude-usaged/config.yaml$' "$admin/info/claude-usaged.conffiles" || fail "the config is not a conffile"
for unit in user/claude-usaged.service system/claude-usaged@.service; do
  grep -q '^ExecStart=/usr/bin/claude-usaged' "$root/usr/lib/systemd/$unit" || fail "$unit does not start /usr/bin/claude-usaged"
  ! grep -q /usr/local "$root/usr/lib/systemd/$unit" || fail "$unit names /usr/local"
done
echo "installed $(grep -c . <<<"$listed") paths"

# ---- run the installed programs on the shared logs ----------------------------------------------
# Everything the programs read or write is below $work: the logs are named explicitly and HOME and
# the XDG directories point there, so nothing reaches this machine's own Claude or config dirs.
mkdir -p "$work/home" "$work/run"
cat >"$work/config.yaml" <<YAML
sources:
  claude_dirs: [$logs]
timezone: UTC
storage:
  sqlite_path: $work/state/usage.db
ctl:
  socket: $work/run/claude-usaged.sock
YAML
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_STATE_HOME=$work/state XDG_RUNTIME_DIR=$work/run
export CLAUDE_CONFIG_DIR=$logs
"$root/usr/bin/claude-usaged" --config "$work/config.yaml" --once 2>"$work/once.log" || {
  cat "$work/once.log" >&2
  fail "claude-usaged --once"
}
events=$(sqlite3 "$work/state/usage.db" 'SELECT count(*) FROM usage_events')
tokens=$(sqlite3 "$work/state/usage.db" 'SELECT sum(total_tokens) FROM daily_usage_summary')
grep -q "; $events events stored" "$work/once.log" || fail "--once did not report $events events stored: $(cat "$work/once.log")"
((events > 0 && tokens > 0)) || fail "--once stored $events events, $tokens tokens"
echo "--once stored $events events, $tokens tokens"

# PostgreSQL support is the module next to the programs, which alone link libpq: --check-config
# loads it to read storage.postgres_url (a closed port: nothing connects).
for program in claude-usaged claude-usagectl; do
  ! ldd "$root/usr/bin/$program" | grep -q libpq || fail "$program links libpq"
done
sed 's#^storage:$#storage:\n  postgres_url: postgresql://nobody@127.0.0.1:9/none#' "$work/config.yaml" >"$work/postgres.yaml"
grep -q postgres_url "$work/postgres.yaml" || fail "no postgres_url in $work/postgres.yaml"
"$root/usr/bin/claude-usaged" --config "$work/postgres.yaml" --check-config >"$work/check.out" 2>&1 ||
  fail "--check-config with storage.postgres_url: $(cat "$work/check.out")"
echo "the installed daemon loads its PostgreSQL module"

"$root/usr/bin/claude-usaged" --config "$work/config.yaml" 2>"$work/daemon.log" &
daemon_pid=$!
for _ in $(seq 300); do
  [[ -S $work/run/claude-usaged.sock ]] && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log" >&2; fail "the installed daemon exited"; }
  sleep 0.1
done
daily=$("$root/usr/bin/claude-usagectl" --socket "$work/run/claude-usaged.sock" daily --json) ||
  fail "claude-usagectl daily: $daily"
total=$(grep -o '"totalTokens": *[0-9]*' <<<"$daily" | tail -n 1 | grep -o '[0-9]*$')
[[ $total == "$tokens" ]] || fail "claude-usagectl daily --json totals $total tokens, the database $tokens"
echo "the installed claude-usagectl reports $total tokens"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "the daemon did not stop cleanly on SIGTERM"
daemon_pid=

# ---- purge --------------------------------------------------------------------------------------
dpkg --root="$root" --purge claude-usaged || fail "dpkg --purge"
! dpkg --root="$root" --status claude-usaged 2>/dev/null | grep -q '^Status: install' || fail "still installed"
left=$(find "$root" -mindepth 1 -not -path "$root/var" -not -path "$root/var/lib" -not -path "$admin" -not -path "$admin/*")
[[ -z $left ]] || fail "the purge left: $left"
echo "purged; nothing left"
