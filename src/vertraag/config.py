"""Settings: one tree of frozen dataclasses, loaded from TOML; command-line flags only override it.

Units are in the names (`hold_ms`, `threshold_db`). Every default has its reason beside it. The file is
`--config PATH`, else `$VERTRAAG_CONFIG`, else `~/.config/vertraag/config.toml` when it exists.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from vertraag.errors import UserError

CONFIG_ENV = "VERTRAAG_CONFIG"
MODEL_ENV = "VERTRAAG_MODEL"


@dataclass(frozen=True)
class AudioSettings:
    device: str | None = None  # microphone name (substring) or index; None = the system default
    output_device: str | None = None  # speaker name (substring) or index; None = the system default
    block_ms: int = 64  # how much audio the sound card hands over at once; does not change any result


@dataclass(frozen=True)
class VadSettings:
    # Silero speech probability above which a frame counts as speech. Silero's own default is 0.5, but right
    # after speech its memory scores a following bang, pan or music 0.5-0.9; voiced speech frames score >= 0.9
    # (measured: 94-99% of them on the real clips), and the pauses between words are bridged by stop_ms.
    speech_threshold: float = 0.9
    # Speech must hold this long before `speech_start`: a clap or a bang is over sooner.
    start_ms: int = 160
    # Silence must hold this long before `speech_end`: the pauses between words are shorter.
    stop_ms: int = 600
    # A speech frame must also be voiced: its best normalised autocorrelation at a pitch of 60-400 Hz
    # reaches this. Measured: vowels 0.8-0.9, running water and white noise <= 0.25, pink noise <= 0.5.
    # Silero alone keeps saying "speech" over noise that follows speech directly (its memory of the voice).
    min_voicing: float = 0.5


@dataclass(frozen=True)
class RaisedVoiceSettings:
    # Rise above the calm baseline that counts as raised. Calm speech wanders ~±3 dB (measured: smoothed
    # espeak and real speech at most +2.7 dB over its median); shouting is +10 dB or more.
    threshold_db: float = 6.0
    # The rise must hold this long (audio time) before we say anything: one emphatic word is not a
    # raised voice.
    hold_ms: int = 1500
    # Once raised, the level must fall this far below the threshold before a new rise can start.
    hysteresis_db: float = 2.0
    # After an event, stay quiet this long: nagging makes a fight worse.
    cooldown_ms: int = 20_000
    # The calm level in dBFS, if known (calibration); None = learn it from the first seconds of speech.
    baseline_db: float | None = None
    # How much speech to learn the baseline from when it is not given.
    calibration_ms: int = 4000
    # Silence shorter than this (a breath between shouted sentences) does not break a rise being held;
    # a longer one does, and also lets a new rise count as new.
    max_pause_ms: int = 1000


@dataclass(frozen=True)
class RecognizerSettings:
    engine: str = "vosk"  # "vosk" (default, streaming) | "whisper" (extra `whisper`) | "none"
    model: str | None = None  # a model directory or name; None = the default Dutch model for the engine
    partial_interval_ms: int = 500  # at most one `partial` event this often (audio time)


@dataclass(frozen=True)
class ProtocolSettings:
    """Which conversation to hold and its own numbers; None = the protocol file's default."""

    # vrij | vertraag | spreker-luisteraar | time-out (phrases/nl/protocols/). None: `vertraag` live,
    # `vrij` for a recording (a recording has no one to guide).
    name: str | None = None
    partner_a: str = "partner een"  # who starts; spoken in the prompts, so write names as they sound
    partner_b: str = "partner twee"
    turn_seconds: int | None = None  # the speaker's turn (vertraag: 120 s)
    mirror_seconds: int | None = None  # the listener's mirroring (vertraag: 60 s)
    rounds: int | None = None  # how often each partner is the speaker
    breathing: bool | None = None  # the optional paced breath after the welcome
    timeout_minutes: int | None = None  # the time-out's break; never below 20 (flooding needs that long)
    pause_word: str = "time-out"  # said by either partner, it starts a time-out (named in the welcome)


@dataclass(frozen=True)
class SessionSettings:
    """When vertraag steps in. Sparse on purpose: a prompt that nags makes a fight worse."""

    # At most one intervention this often (audio time). Live feedback: sparse cues help, a stream annoys.
    min_gap_s: float = 20.0
    # Silence that counts as a pause in speech, when a word prompt may be spoken (never mid-sentence).
    pause_ms: int = 700
    # A finding not spoken within this long of its utterance is stale and dropped (the moment has passed).
    stale_after_s: float = 15.0
    # When a phase's time is up, wait at most this long for a pause in speech before moving on.
    phase_end_grace_s: float = 4.0
    # Half-duplex: after vertraag's own voice, keep the microphone deaf this much longer (echo, room tail).
    half_duplex_tail_ms: int = 500
    # Escalation: this many raised voices or threats within escalation_window_s -> propose a time-out.
    escalation_count: int = 3
    escalation_window_s: float = 300.0
    # After proposing a time-out: start it when nobody objects ("verder") within this long.
    timeout_accept_s: float = 8.0
    # Gentle first: a second intervention within this long gets the firmer wording.
    firm_window_s: float = 180.0
    # An I-message is acknowledged now and then: at most once per this long.
    i_message_gap_s: float = 300.0
    # Detectors the session acts on (a therapist can switch them off).
    raised_voice: bool = True
    words: bool = True
    speech_rate: bool = True


@dataclass(frozen=True)
class SpeechRateSettings:
    """Speaking fast: words per second of speech, against the partner's own calm rate."""

    # The calm rate is the median of the first utterances with at least min_words, until this much speech.
    calibration_s: float = 15.0
    min_words: int = 4  # shorter utterances say little about a rate ("ja", "nee hoor")
    # Fast: this many times the calm rate (calm Dutch ~2.5-3 words/s; hurried 4+), ...
    factor: float = 1.35
    # ... held over this much speech (several utterances), not one rushed sentence.
    hold_s: float = 8.0
    cooldown_s: float = 60.0


@dataclass(frozen=True)
class VoiceSettings:
    """vertraag's own voice."""

    rate_wpm: int = 140  # calm: espeak-ng speaks 175 words per minute by default
    folder: str | None = None  # recorded prompts (one WAV per prompt id), e.g. a therapist's own voice


@dataclass(frozen=True)
class Settings:
    audio: AudioSettings = field(default_factory=AudioSettings)
    vad: VadSettings = field(default_factory=VadSettings)
    raised_voice: RaisedVoiceSettings = field(default_factory=RaisedVoiceSettings)
    recognizer: RecognizerSettings = field(default_factory=RecognizerSettings)
    protocol: ProtocolSettings = field(default_factory=ProtocolSettings)
    session: SessionSettings = field(default_factory=SessionSettings)
    speech_rate: SpeechRateSettings = field(default_factory=SpeechRateSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)


T = TypeVar("T")


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "vertraag" / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Settings from `path` (or the default locations); a broken file is a clear UserError."""
    if path is None:
        env = os.environ.get(CONFIG_ENV)
        path = Path(env) if env else default_config_path()
        if not path.exists():
            settings = Settings()
            return _with_env(settings)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise UserError(f"Configuratiebestand niet gevonden: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"Het configuratiebestand {path} is geen geldige TOML: {exc}") from exc
    except OSError as exc:
        raise UserError(f"Kan het configuratiebestand {path} niet lezen: {exc.strerror}") from exc
    return _with_env(_build(Settings, data, where=str(path)))


def _with_env(settings: Settings) -> Settings:
    model = os.environ.get(MODEL_ENV)
    if model:
        settings = dataclasses.replace(
            settings, recognizer=dataclasses.replace(settings.recognizer, model=model)
        )
    return settings


def _build(cls: type[T], data: dict[str, Any], *, where: str) -> T:
    """Build dataclass `cls` from a TOML table, refusing unknown keys and wrong types with a clear message."""
    if not isinstance(data, dict):
        raise UserError(f"{where}: verwacht een tabel, kreeg {type(data).__name__}.")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise UserError(f"{where}: onbekende instelling '{key}' (bekend: {known}).")
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default):
            values[key] = _build(type(default), value, where=f"{where} [{key}]")
            continue
        values[key] = _check_type(key, value, default, where=where)
    return cls(**values)


def _check_type(key: str, value: Any, default: Any, *, where: str) -> Any:
    if default is None or isinstance(value, type(default)):
        return value
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise UserError(f"{where}: '{key}' moet een {type(default).__name__} zijn, niet {value!r}.")


def override(settings: Settings, section: str, **changes: Any) -> Settings:
    """Settings with some fields of one section replaced (for command-line flags); None means 'not given'."""
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        return settings
    part = dataclasses.replace(getattr(settings, section), **given)
    return dataclasses.replace(settings, **{section: part})
