"""`EspeakRenderer`: Dutch speech from the `espeak-ng` program, the fallback when pyttsx3 does not work.

`espeak-ng --stdout` streams a WAV whose header cannot know the length yet (it says "about 2 GB"), so the
header is read by hand and the data taken as far as it goes. The text goes in on stdin, never as an argument,
so a prompt that starts with "-" is spoken, not taken as an option.
"""

from __future__ import annotations

import logging
import shutil
import struct
import subprocess

import numpy as np

from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.sound import Sound
from vertraag.speak.tones import OUTPUT_RATE
from vertraag.speak.tts.base import CALM_DUTCH, WARM_UP_TEXT, SpeakingStyle

log = logging.getLogger(__name__)

PROGRAM = "espeak-ng"
INSTALL_HINT = "installeer espeak-ng met 'sudo apt install espeak-ng'"
PCM_FORMAT = 1  # WAVE_FORMAT_PCM
SAMPLE_BITS = 16  # espeak-ng writes 16-bit samples
FULL_SCALE = 32768.0
CHUNK_HEADER = struct.Struct("<4sI")  # chunk id, size
FMT_FIELDS = struct.Struct("<HHIIHH")  # format, channels, rate, byte rate, block align, bits
RIFF_HEADER_BYTES = 12  # "RIFF", size, "WAVE"


class EspeakRenderer:
    """A `Renderer` that runs `espeak-ng` once per text. Construction checks the program and the voice."""

    def __init__(self, style: SpeakingStyle = CALM_DUTCH, *, program: str = PROGRAM) -> None:
        found = shutil.which(program)
        if found is None:
            raise SpeechUnavailable(f"'{program}' ontbreekt, dus vertraag kan niet spreken; {INSTALL_HINT}.")
        voice, rate = style.espeak_voice, str(style.rate_wpm)
        self._command = [found, "--stdout", "--stdin", "-b", "1", "-v", voice, "-s", rate]
        self._timeout_s = style.timeout_s
        self.render(WARM_UP_TEXT)

    def render(self, text: str) -> Sound:
        if not text.strip():
            return Sound(np.zeros(0, dtype=np.float32), OUTPUT_RATE)
        try:
            done = subprocess.run(
                self._command, input=text.encode(), capture_output=True, timeout=self._timeout_s, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("espeak-ng failed on %r: %s", text, exc)
            raise SpeechUnavailable(f"espeak-ng reageert niet; {INSTALL_HINT}.") from exc
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip()
            log.warning("espeak-ng exit %d on %r: %s", done.returncode, text, detail)
            raise SpeechUnavailable(f"espeak-ng kan niet spreken ({detail}); {INSTALL_HINT}.")
        return parse_wav_stream(done.stdout)


def parse_wav_stream(data: bytes) -> Sound:
    """16-bit PCM WAV bytes as a mono Sound; the data chunk may claim more bytes than there are."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechUnavailable("espeak-ng gaf geen WAV-geluid terug; installeer espeak-ng opnieuw.")
    pos, channels, rate = RIFF_HEADER_BYTES, 0, 0
    while pos + CHUNK_HEADER.size <= len(data):
        chunk_id, size = CHUNK_HEADER.unpack_from(data, pos)
        body = pos + CHUNK_HEADER.size
        if chunk_id == b"fmt ":
            fmt, channels, rate, _, _, bits = FMT_FIELDS.unpack_from(data, body)
            if fmt != PCM_FORMAT or bits != SAMPLE_BITS or channels < 1:
                raise SpeechUnavailable(f"espeak-ng gaf onbekend geluid terug ({fmt}, {bits} bit).")
        elif chunk_id == b"data" and rate:
            frames = (min(size, len(data) - body)) // (2 * channels)
            pcm = np.frombuffer(data, dtype="<i2", count=frames * channels, offset=body)
            return Sound(pcm.reshape(-1, channels).mean(axis=1) / FULL_SCALE, rate)
        pos = body + size + (size & 1)  # chunks are padded to an even length
    raise SpeechUnavailable("espeak-ng gaf een onvolledig WAV-bestand terug.")
