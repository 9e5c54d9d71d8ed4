#!/usr/bin/env bash
# One-stop setup for vertraag on Debian / Raspberry Pi OS (bookworm or newer).
#
#   scripts/setup.sh run    system packages, .venv, vertraag with Piper, the Dutch speech model and the Dutch
#                           Piper voice (when online), then `vertraag start`
#   scripts/setup.sh test   system packages (incl. the virtual sound card), .venv with the dev extra, test
#                           models, then ruff, mypy and the whole pytest suite
#   scripts/setup.sh install | install-dev   only the installation part
#
# Safe to run again: what is already there is kept. Needs sudo (or root) only for missing Debian packages.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
DUTCH_VOICE=nl_BE-nathalie-medium   # the default Piper voice (vertraag model list)
PYTHON=${PYTHON:-python3}

# What the program needs at run time: a venv, PortAudio (sounddevice), libsndfile (WAV reading),
# espeak-ng + aplay (pyttsx3 speech).
RUN_PACKAGES="python3-venv python3-dev libportaudio2 libsndfile1 espeak-ng alsa-utils"
# Extra for the tests: a virtual sound card (PulseAudio null sinks), sox for test audio, tmux to check the
# screen in a real terminal, chromium (the report page opened headless and photographed) and strace (a session
# opens no network socket).
TEST_PACKAGES="pulseaudio pulseaudio-utils libasound2-plugins sox tmux chromium strace"

say() { printf 'vertraag setup: %s\n' "$*" >&2; }

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { say "missing Debian packages: ${missing[*]} (install them as root)"; exit 1; }
        sudo="sudo"
    fi
    say "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

make_venv() {
    local extra=$1
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".$extra"
    # Who is speaking: the GE2E voice encoder's weights (Apache-2.0) ship in the Resemblyzer wheel. Its code
    # would pull in torch, so only the wheel is installed (--no-deps) and vertraag reads the weights file
    # itself (src/vertraag/voices/ge2e/). Without it the GMM decides alone.
    "$VENV/bin/python" -m pip install -q --no-deps "Resemblyzer==0.1.4" \
        || say "Resemblyzer not installed: who is speaking is decided by the GMM alone"
}

case "${1:-}" in
install)
    apt_install $RUN_PACKAGES
    make_venv "[piper]"
    ;;
install-dev)
    apt_install $RUN_PACKAGES $TEST_PACKAGES
    make_venv "[dev]"
    "$VENV/bin/python" scripts/build_test_models.py
    ;;
run)
    "$0" install
    if ! "$VENV/bin/vertraag" model verify >/dev/null 2>&1; then
        "$VENV/bin/vertraag" model download || say "no Dutch model yet: vertraag listens to loudness only (see README)"
    fi
    # The natural Dutch voice; offline, the download says in one line how to get it (espeak-ng speaks meanwhile).
    if ! "$VENV/bin/vertraag" model verify "$DUTCH_VOICE" >/dev/null 2>&1; then
        "$VENV/bin/vertraag" model download "$DUTCH_VOICE" || true
    fi
    shift
    exec "$VENV/bin/vertraag" start "$@"
    ;;
test)
    "$0" install-dev
    shift
    exec scripts/run_tests.sh "$@"
    ;;
*)
    echo "usage: $0 run|test|install|install-dev" >&2
    exit 2
    ;;
esac
