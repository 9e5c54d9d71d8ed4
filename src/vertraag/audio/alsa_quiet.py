"""Keep ALSA's own error lines ("ALSA lib pcm.c: ... underrun occurred") off the terminal screen.

libasound prints them straight to file descriptor 2, under PortAudio, where they would tear the display.
`quiet_alsa()` installs a handler that drops them (the program notices lost audio itself, see mic_source.py).
It does nothing where there is no libasound (macOS, tests without ALSA).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

# void handler(const char *file, int line, const char *function, int err, const char *fmt, ...)
_HANDLER_TYPE = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_installed: list[object] = []  # the callback must outlive the call that installs it


def _drop(file: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    return None


def quiet_alsa() -> bool:
    """True when ALSA's messages are now dropped."""
    if _installed:
        return True
    name = ctypes.util.find_library("asound")
    if name is None:
        return False
    try:
        asound = ctypes.cdll.LoadLibrary(name)
        handler = _HANDLER_TYPE(_drop)
        asound.snd_lib_error_set_handler(handler)
    except (OSError, AttributeError) as exc:
        log.info("cannot quiet ALSA: %s", exc)
        return False
    _installed.append(handler)
    return True
