"""The models vertraag knows by name: where they come from, how big they are, under which licence.

Vosk models are zip files on the Vosk model site, downloaded and unpacked by `vertraag model download`.
Whisper models are named the faster-whisper way (`base`, `small`) and fetched by faster-whisper itself.
"""

from __future__ import annotations

from dataclasses import dataclass

VOSK = "vosk"
WHISPER = "whisper"
NO_ENGINE = "none"  # loudness only: nothing is recognised (no model)
ENGINES = (VOSK, WHISPER)  # the engines with models
ENGINE_CHOICES = (*ENGINES, NO_ENGINE)  # what `[recognizer] engine` and --engine may be
DEFAULT_ENGINE = VOSK  # small, streaming, runs on a Raspberry Pi

# Where faster-whisper's own download puts a named model inside our models folder.
WHISPER_DIR_PREFIX = "faster-whisper-"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    engine: str  # VOSK | WHISPER
    licence: str
    description: str  # Dutch: shown by `vertraag model list`
    url: str | None = None  # a zip to download; None = fetched by the engine's own tools
    size_bytes: int | None = None  # exact size of the download, checked after downloading

    @property
    def dir_name(self) -> str:
        """The folder name of this model inside the models folder."""
        return self.name if self.engine == VOSK else WHISPER_DIR_PREFIX + self.name


DUTCH_VOSK = ModelInfo(
    name="vosk-model-small-nl-0.22",
    engine=VOSK,
    licence="Apache-2.0",
    description="Klein Nederlands Vosk-model (standaard, streaming)",
    url="https://alphacephei.com/vosk/models/vosk-model-small-nl-0.22.zip",
    size_bytes=40_441_176,
)
WHISPER_BASE = ModelInfo(
    name="base",
    engine=WHISPER,
    licence="MIT",
    description="Meertalig Whisper base (faster-whisper), ca. 145 MB",
)
WHISPER_SMALL = ModelInfo(
    name="small",
    engine=WHISPER,
    licence="MIT",
    description="Meertalig Whisper small (faster-whisper), ca. 480 MB: nauwkeuriger, trager",
)

KNOWN_MODELS: tuple[ModelInfo, ...] = (DUTCH_VOSK, WHISPER_BASE, WHISPER_SMALL)
DEFAULT_MODELS: dict[str, ModelInfo] = {VOSK: DUTCH_VOSK, WHISPER: WHISPER_BASE}


def find(name: str) -> ModelInfo | None:
    """The known model called `name` (also accepts a Whisper model's folder name), else None."""
    for info in KNOWN_MODELS:
        if name in (info.name, info.dir_name):
            return info
    return None


def default_for(engine: str) -> ModelInfo:
    return DEFAULT_MODELS[engine]
