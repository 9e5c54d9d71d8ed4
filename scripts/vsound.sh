#!/usr/bin/env bash
# vsound.sh - vertraag's own virtual sound card, for tests and CI (no audio hardware, no /dev/snd needed).
#
#   scripts/vsound.sh start    start a private PulseAudio with two null sinks (a no-op when already running)
#   scripts/vsound.sh stop     stop it, by the PID it wrote (a no-op when not running)
#   scripts/vsound.sh status   exit 0 when the server answers, 1 when not
#   eval "$(scripts/vsound.sh env)"   point PulseAudio clients (paplay, PortAudio via ALSA) at it
#
# Topology:
#   vt_spk  the default sink: everything vertraag plays goes here; a test can listen on vt_spk.monitor.
#   vt_mic  a second sink: a test plays "microphone" audio into it (`paplay -d vt_mic clip.wav`);
#           vt_mic.monitor is the DEFAULT SOURCE, i.e. what sounddevice.InputStream hears.
#   vertraag does not hear its own prompts unless a test adds an echo path:
#           pactl load-module module-loopback source=vt_spk.monitor sink=vt_mic latency_msec=20
#
# Settings (environment): VSOUND_DIR (state, socket, log; default /tmp/vertraag-vsound-<uid>), VSOUND_SETTLE
# (seconds to wait after start, default 2.5). Several copies can run side by side with different VSOUND_DIRs.
#
# Needs (Debian / Raspberry Pi OS): pulseaudio pulseaudio-utils libasound2-plugins libportaudio2
set -euo pipefail

EXIT_NOT_INSTALLED=3 # distinct, so a caller can tell "cannot run here" from "failed to start"
NEEDED_PACKAGES="pulseaudio pulseaudio-utils libasound2-plugins libportaudio2"

VS_DIR=${VSOUND_DIR:-/tmp/vertraag-vsound-$(id -u)}
SETTLE_S=${VSOUND_SETTLE:-2.5} # an idle null sink renders in 2 s blocks; wait until the keep-alive took over
RUN=$VS_DIR/run
SOCK=$RUN/native

export PULSE_RUNTIME_PATH=$RUN                # pid file and socket live here, not in $XDG_RUNTIME_DIR/pulse
export PULSE_STATE_PATH=$VS_DIR/state         # not ~/.config/pulse: leave the user's own setup alone
export PULSE_SERVER=unix:$SOCK
export PULSE_CLIENTCONFIG=$VS_DIR/client.conf # autospawn=no: a client must never spawn a default daemon
export PULSE_COOKIE=$VS_DIR/cookie

server_answers() { timeout 3 pactl info >/dev/null 2>&1; }
server_pid() { cat "$RUN/pid" 2>/dev/null || true; }

require_pulseaudio() {
    local tool
    for tool in pulseaudio pactl; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "vsound: '$tool' is not installed. Install with: sudo apt-get install $NEEDED_PACKAGES" >&2
            exit "$EXIT_NOT_INSTALLED"
        fi
    done
}

write_server_script() {
    {
        echo "load-module module-native-protocol-unix auth-anonymous=1 socket=$SOCK"
        echo "load-module module-null-source source_name=vt_silence"
        for sink in vt_spk vt_mic; do
            echo "load-module module-null-sink sink_name=$sink rate=48000 sink_properties=device.description=$sink"
            # Keep-alive: a 20 ms stream of silence into every null sink. Without it an idle null sink renders
            # in 2 s blocks and a freshly opened capture gets its first audio 0.5-2 s late (and loses some).
            echo "load-module module-loopback source=vt_silence sink=$sink latency_msec=20" \
                "source_dont_move=1 sink_dont_move=1"
        done
        echo "set-default-sink vt_spk"
        echo "set-default-source vt_mic.monitor"
    } >"$VS_DIR/vsound.pa"
}

start() {
    require_pulseaudio
    if server_answers; then
        echo "vsound: already running (pid $(server_pid), $PULSE_SERVER)"
        return 0
    fi
    mkdir -p "$RUN" "$PULSE_STATE_PATH"
    chmod 700 "$RUN"
    rm -f "$SOCK" "$RUN/pid" # leftovers of a daemon that was killed
    printf 'autospawn = no\n' >"$PULSE_CLIENTCONFIG"
    write_server_script
    # -n: skip /etc/pulse/default.pa (no probing of real cards). As root PulseAudio warns but runs fine.
    pulseaudio --daemonize=yes --system=false --exit-idle-time=-1 --disallow-exit=yes \
        --use-pid-file=yes -n -F "$VS_DIR/vsound.pa" \
        --log-target=file:"$VS_DIR/pulse.log" --log-level=notice
    for _ in $(seq 50); do server_answers && break; sleep 0.1; done
    if ! server_answers; then
        echo "vsound: pulseaudio did not come up; see $VS_DIR/pulse.log" >&2
        exit 1
    fi
    sleep "$SETTLE_S"
    echo "vsound: started pid $(server_pid): play into vt_mic, listen on vt_spk.monitor ($PULSE_SERVER)"
}

stop() {
    local pid
    pid=$(server_pid)
    # Only ever kill the daemon this script started: the PID must still belong to a pulseaudio process.
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = pulseaudio ] && kill "$pid" 2>/dev/null; then
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        echo "vsound: stopped pid $pid"
    else
        echo "vsound: not running"
    fi
    rm -f "$RUN/pid" "$SOCK"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status)
    if server_answers; then
        echo "vsound: running (pid $(server_pid), $PULSE_SERVER)"
    else
        echo "vsound: not running"
        exit 1
    fi
    ;;
env)
    printf 'export PULSE_SERVER=%q PULSE_CLIENTCONFIG=%q PULSE_COOKIE=%q\n' \
        "$PULSE_SERVER" "$PULSE_CLIENTCONFIG" "$PULSE_COOKIE"
    ;;
*)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
