#!/usr/bin/env bash
# Gets the interop tests' Twisted peers where that needs no root: a venv per Twisted version, from pip, cached
# outside target/ (so `mvn clean` keeps them). Run by the build before pb-interop's tests; never fails the build:
# a peer it cannot get is reported by the tests (skipped with a hint on a developer machine, a failure in CI).
#   twisted22      PBJ_PYTHON, else /usr/bin/python3 if it has Twisted, else $PBJ_PEER_CACHE/twisted22 (Twisted 22.4)
#   twisted-latest PBJ_PYTHON_LATEST, else <repo>/.venv-twisted (the newest Twisted >= 26)
# PBJ_FETCH_PEERS=false turns it off.
set -uo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
cache="${PBJ_PEER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pbj}"
[ "${PBJ_FETCH_PEERS:-true}" = false ] && exit 0

has() { [ -x "$1" ] && "$1" -c "import sys, twisted.spread.pb, twisted; sys.exit(0 if $2 else 1)" 2>/dev/null; }
say() { echo "pbj peers: $*" >&2; }

# A venv at $1 with pip spec $2 whose Twisted passes $3; quietly, with short network timeouts.
make_venv() {
  local dir="$1" spec="$2" check="$3" base
  local failed="$cache/$(basename "$dir").failed"   # a day's rest after a failed try: offline builds stay fast
  has "$dir/bin/python" "$check" && return 0
  if [ -n "$(find "$failed" -mmin -1440 2>/dev/null)" ]; then
    return 1
  fi
  for base in python3 /usr/bin/python3; do
    command -v "$base" >/dev/null 2>&1 || continue
    if "$base" -m venv --clear "$dir" >/dev/null 2>&1 \
        && "$dir/bin/pip" install -q --disable-pip-version-check --retries 1 --timeout 15 "$spec" >/dev/null 2>&1 \
        && has "$dir/bin/python" "$check"; then
      say "made $dir ($spec)"
      return 0
    fi
  done
  rm -rf "$dir"
  mkdir -p "$cache" && touch "$failed"
  say "could not make $dir with pip ($spec); the tests say how to install it (next try in a day, or remove $failed)"
  return 1
}

if [ -z "${PBJ_PYTHON:-}" ] && ! has /usr/bin/python3 True; then
  make_venv "$cache/twisted22" 'twisted[tls]==22.4.0' 'twisted.__version__.startswith("22.4")'
fi
if [ -z "${PBJ_PYTHON_LATEST:-}" ]; then
  make_venv "$root/.venv-twisted" 'twisted[tls]>=26' 'int(twisted.__version__.split(".")[0]) >= 26'
fi
exit 0
