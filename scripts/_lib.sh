# shellcheck shell=bash
# Shared by scripts/demo and scripts/test (sourced, not run). Bash only.
#
# ensure_venv EXTRA   creates .venv in the repo root (installing python3-venv with apt when it
#                     is missing and we are root) and runs `pip install -e .[EXTRA]` when
#                     pyproject.toml changed since the last install. EXTRA may be empty.
# apt_install PKG...  apt-get update (once per script run) + quiet install; root only.

ONEROOF_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ONEROOF_ROOT/.venv"
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_PROGRESS_BAR=off
_APT_UPDATED=0

say() { printf '%s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
    is_root || { say "apt_install: not root, cannot install $*"; return 1; }
    local log
    log=$(mktemp -t oneroof-apt.XXXXXX)
    if [ "$_APT_UPDATED" -eq 0 ]; then
        say "apt-get update"
        if ! apt-get -qq update >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            rm -f "$log"
            return 1
        fi
        _APT_UPDATED=1
    fi
    say "apt-get install $*"
    if ! apt-get -qq -y --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        install "$@" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

_python() {
    # The project needs Python 3.11 (Django 5.2 LTS; see pyproject.toml's requires-python).
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3; do
        if [ -z "$candidate" ] || ! command -v "$candidate" >/dev/null 2>&1; then
            continue
        fi
        if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    say "No Python 3.11 found (tried \$PYTHON, python3.11, python3). Install python3 3.11."
    return 1
}

_venv_ok() {
    [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null &&
        "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

_make_venv() {
    local python
    python=$(_python) || return 1
    rm -rf "$VENV"
    "$python" -m venv "$VENV" >/dev/null 2>&1 && _venv_ok && return 0
    # Debian's python3 has no ensurepip until python3-venv is installed; a failed attempt
    # leaves a half-made .venv behind.
    rm -rf "$VENV"
    if ! is_root; then
        say "'$python -m venv' failed. Install python3-venv (sudo apt-get install python3-venv)."
        return 1
    fi
    apt_install python3-venv || return 1
    "$python" -m venv "$VENV" && _venv_ok
}

ensure_venv() {
    local extra=${1:-} spec=. stamp digest
    [ -n "$extra" ] && spec=".[$extra]"
    if ! _venv_ok; then
        say "Creating $VENV"
        _make_venv || return 1
    fi
    # Reinstall only when pyproject.toml changed: re-runs stay fast and work offline.
    stamp="$VENV/.oneroof-installed${extra:+-$extra}"
    digest=$(sha256sum "$ONEROOF_ROOT/pyproject.toml" | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    say "pip install -e '$spec' (quiet)"
    rm -f "$stamp"
    (cd "$ONEROOF_ROOT" && "$VENV/bin/python" -m pip install -qq -e "$spec") || return 1
    printf '%s\n' "$digest" >"$stamp"
}
