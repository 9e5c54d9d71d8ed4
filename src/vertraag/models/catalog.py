"""The models vertraag knows by name: what kind, which language, where from, how big, under which licence.

Speech recognition: Vosk models are zip files on the Vosk model site, downloaded and unpacked by
`vertraag model download`; Whisper models are named the faster-whisper way (`base`, `small`) and fetched by
faster-whisper itself. vertraag's own voice: Piper voices (an `.onnx` network plus its `.onnx.json`) from
the Piper project's voices site (Hugging Face `rhasspy/piper-voices`), downloaded file by file.
"""

from __future__ import annotations

from dataclasses import dataclass

VOSK = "vosk"
WHISPER = "whisper"
PIPER = "piper"
NO_ENGINE = "none"  # loudness only: nothing is recognised (no model)
ENGINES = (VOSK, WHISPER)  # the engines with models
ENGINE_CHOICES = (*ENGINES, NO_ENGINE)  # what `[recognizer] engine` and --engine may be
DEFAULT_ENGINE = VOSK  # small, streaming, runs on a Raspberry Pi
KINDS = (VOSK, WHISPER, PIPER)  # everything the models folder can hold: recognisers' models and voices
# vertraag's speech engines (`--tts`, `[voice] tts`): "auto" takes the first that works, in this order after
# it (the most natural voice first: Piper with one of the voices below); speak/tts/choose.py opens them.
TTS_ENGINES = ("auto", "piper", "espeak", "pyttsx3")

# Where faster-whisper's own download puts a named model inside our models folder.
WHISPER_DIR_PREFIX = "faster-whisper-"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    engine: str  # VOSK | WHISPER | PIPER (the kind of model)
    licence: str
    description: str  # Dutch: shown by `vertraag model list`
    url: str | None = None  # a zip (Vosk) or the .onnx (Piper) to download; None = the engine's own tools
    size_bytes: int | None = None  # exact size of that download, checked after downloading
    language: str = "nl"  # what `model list` shows: a language code, or "meertalig"
    approx_bytes: int | None = None  # a size to show when the exact one is not pinned here

    @property
    def dir_name(self) -> str:
        """The folder name of this model inside the models folder."""
        return WHISPER_DIR_PREFIX + self.name if self.engine == WHISPER else self.name


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
    language="meertalig",
)
WHISPER_SMALL = ModelInfo(
    name="small",
    engine=WHISPER,
    licence="MIT",
    description="Meertalig Whisper small (faster-whisper), ca. 480 MB: nauwkeuriger, trager",
    language="meertalig",
)

# Piper voices: the .onnx at this address, its .onnx.json (and MODEL_CARD) beside it. The "medium" quality
# speaks at 22,050 Hz and renders a prompt in about half a second on one core (README, "Performance").
PIPER_VOICES_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main"
PIPER_CONFIG_SUFFIX = ".json"  # voice.onnx -> voice.onnx.json
PIPER_MODEL_CARD = "MODEL_CARD"  # the voice's own page: speaker, dataset, licence
SEE_MODEL_CARD = "zie MODEL_CARD"  # licence not pinned here: the MODEL_CARD downloaded with it says it


def piper_url(name: str) -> str:
    """nl_BE-nathalie-medium -> .../nl/nl_BE/nathalie/medium/nl_BE-nathalie-medium.onnx (the site's way)."""
    locale, speaker, quality = name.split("-")
    return f"{PIPER_VOICES_URL}/{locale.split('_')[0]}/{locale}/{speaker}/{quality}/{name}.onnx"


PIPER_NATHALIE = ModelInfo(
    name="nl_BE-nathalie-medium",
    engine=PIPER,
    licence=SEE_MODEL_CARD,
    description="Vlaamse vrouwenstem (Piper, neuraal; standaard)",
    url=piper_url("nl_BE-nathalie-medium"),
    size_bytes=63_201_294,  # every single-speaker "medium" Piper voice; the PyPI test voice is this size too
    language="nl_BE",
)
PIPER_RDH = ModelInfo(
    name="nl_BE-rdh-medium",
    engine=PIPER,
    licence=SEE_MODEL_CARD,
    description="Vlaamse mannenstem (Piper, neuraal)",
    url=piper_url("nl_BE-rdh-medium"),
    language="nl_BE",
    approx_bytes=63_100_000,
)
PIPER_MLS = ModelInfo(
    name="nl_NL-mls-medium",
    engine=PIPER,
    licence="CC-BY-4.0",  # trained on Multilingual LibriSpeech (CC BY 4.0)
    description="Nederlandse stemmen uit MLS (Piper, neuraal, meerdere sprekers)",
    url=piper_url("nl_NL-mls-medium"),
    size_bytes=76_584_246,
    language="nl_NL",
)

KNOWN_MODELS: tuple[ModelInfo, ...] = (
    DUTCH_VOSK,
    WHISPER_BASE,
    WHISPER_SMALL,
    PIPER_NATHALIE,
    PIPER_RDH,
    PIPER_MLS,
)
DEFAULT_MODELS: dict[str, ModelInfo] = {VOSK: DUTCH_VOSK, WHISPER: WHISPER_BASE, PIPER: PIPER_NATHALIE}


def find(name: str) -> ModelInfo | None:
    """The known model called `name` (also accepts a Whisper model's folder name), else None."""
    for info in KNOWN_MODELS:
        if name in (info.name, info.dir_name):
            return info
    return None


def default_for(engine: str) -> ModelInfo:
    return DEFAULT_MODELS[engine]
