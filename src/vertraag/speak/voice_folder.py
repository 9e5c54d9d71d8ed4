"""`VoiceFolder` (`--voice DIR`): prompts recorded by a real person, used instead of synthetic speech.

One WAV per prompt id: `DIR/pause_raised.wav` serves every variant of `pause_raised`; `DIR/pause_raised-2.wav`
serves variant 2 only (variants count from 1) and wins over the plain file. A therapist can record a few
prompts and leave the rest to the synthetic voice. A file that cannot be read is logged once and skipped,
so synthesis takes over for that prompt. A prompt is seconds long: a file larger than MAX_PROMPT_BYTES is
skipped before anything is read, and one longer than MAX_PROMPT_S as soon as its header says so (a 1 GB WAV
read whole would take a Raspberry Pi's memory many times over).
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from vertraag.errors import UserError
from vertraag.speak.sound import Sound, read_wav

log = logging.getLogger(__name__)

# "<id>.wav" or "<id>-<variant>.wav"; an id may itself contain "-" as long as what follows the last one is
# not a number ("time-out.wav" is the id "time-out").
FILE_NAME = re.compile(r"^(?P<id>.+?)(?:-(?P<variant>[0-9]+))?\.wav$", re.IGNORECASE)
ANY_VARIANT = 0  # key of the plain "<id>.wav"
# The longest prompt (the welcome) takes about 20 s to say; a minute leaves room for a slow, warm voice.
MAX_PROMPT_S = 60.0
# A minute of the largest usual WAV (48 kHz stereo, 32-bit float) is 23 MB; anything larger is no prompt.
MAX_PROMPT_BYTES = 32_000_000
BYTES_PER_MB = 1_000_000


class VoiceFolder:
    """The recordings in one folder, read when first needed and then kept."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise UserError(
                f"De stemmap '{directory}' bestaat niet; geef met --voice een map met WAV-bestanden op."
            )
        self.directory = directory
        self._files: dict[tuple[str, int], Path] = {}
        for path in sorted(directory.iterdir()):
            match = FILE_NAME.match(path.name)
            if match and path.is_file():
                if path.stat().st_size > MAX_PROMPT_BYTES:
                    size_mb = path.stat().st_size // BYTES_PER_MB
                    log.warning("voice folder: %s is te groot voor een prompt (%d MB)", path, size_mb)
                    continue
                variant = int(match["variant"]) if match["variant"] else ANY_VARIANT
                self._files[(match["id"], variant)] = path
        if not self._files:
            log.warning("voice folder %s has no WAV files; every prompt will be synthesised", directory)
        self._lock = threading.Lock()
        self._sounds: dict[Path, Sound | None] = {}

    def ids(self) -> set[str]:
        return {prompt_id for prompt_id, _ in self._files}

    def sound(self, prompt_id: str, variant: int) -> Sound | None:
        """The recording for this variant, else the id's plain recording, else None."""
        path = self._files.get((prompt_id, variant)) or self._files.get((prompt_id, ANY_VARIANT))
        return None if path is None else self._read(path)

    def _read(self, path: Path) -> Sound | None:
        with self._lock:
            if path not in self._sounds:
                try:
                    _check_length(path)
                    self._sounds[path] = read_wav(path)
                except UserError as exc:
                    log.warning("voice folder: %s; using synthetic speech for it instead", exc.message)
                    self._sounds[path] = None
            return self._sounds[path]


def _check_length(path: Path) -> None:
    """A recording longer than a prompt can be is refused from its header, before its samples are read."""
    import soundfile as sf

    try:
        info = sf.info(str(path))
    except (RuntimeError, OSError):
        return  # read_wav says what is wrong with it
    seconds = info.frames / info.samplerate if info.samplerate > 0 else 0.0
    if seconds > MAX_PROMPT_S:
        raise UserError(f"'{path}' duurt {seconds:.0f} s; een prompt duurt hooguit {MAX_PROMPT_S:.0f} s")
