"""Settings: one tree of frozen dataclasses, loaded from TOML (load.py); command-line flags only override it.

Units are in the names (`hold_ms`, `threshold_db`). Every default has its reason beside it.

The dataclasses are also the schema: a field's type says what is allowed (the `Annotated` ranges below,
checked by msgspec; `choices(kind)` for a name from a list that lives elsewhere and is passed in when
checked), and the file, `$VERTRAAG_MODEL` and the flags all pass the same check (check.py), so a new section
or key is checked without extra code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from msgspec import Meta

CHOICES = "choices"  # field metadata key: the kind of name the field takes (one of the kinds below)
ENGINE = "engine"  # a speech recogniser: the model catalogue's engines (models/catalog.py)
PROTOCOL = "protocol"  # a conversation: the protocol files (phrases.protocol_names)
TTS = "tts"  # a speech engine: models/catalog.py TTS_ENGINES
# The names of each kind, passed in by whoever checks settings (vertraag.known): settings import nothing
# of vertraag.
Names = Mapping[str, Sequence[str]]

# What a value may be. Ranges are what still makes sense, not what is wise: the defaults are the wise part.
Ms = Annotated[int, Meta(ge=0)]  # a duration in milliseconds of audio
Seconds = Annotated[float, Meta(ge=0)]  # a duration in seconds
PositiveSeconds = Annotated[int, Meta(gt=0)]  # a phase that exists takes some time
Count = Annotated[int, Meta(ge=1)]
Fraction = Annotated[float, Meta(ge=0, le=1)]  # a probability or a correlation
Rise = Annotated[float, Meta(gt=0, le=60)]  # dB above the calm level; 60 dB louder is beyond any voice
Margin = Annotated[float, Meta(ge=0, le=60)]  # dB
Dbfs = Annotated[float, Meta(ge=-120, le=0)]  # a level in dB below digital full scale (16 bit: >= -96)
Name = Annotated[str, Meta(min_length=1)]
BlockMs = Annotated[int, Meta(gt=0, le=1000)]  # a sound card block; over a second would make prompts late
TimeoutMinutes = Annotated[int, Meta(ge=20)]  # calming down after flooding takes at least 20 minutes
Factor = Annotated[float, Meta(gt=1, le=10)]  # "faster than calm" needs a factor above 1
WordsPerMinute = Annotated[int, Meta(ge=80, le=300)]  # slower or faster than that is hard to follow


def choices(kind: str) -> Any:
    """A field whose value must be one of the names of `kind` (passed in when checked)."""
    return {CHOICES: kind}


@dataclass(frozen=True)
class AudioSettings:
    device: Name | None = None  # microphone name (substring) or index; None = the system default
    output_device: Name | None = None  # speaker name (substring) or index; None = the system default
    block_ms: BlockMs = 64  # how much audio the sound card hands over at once; does not change any result


@dataclass(frozen=True)
class VadSettings:
    # Silero speech probability above which a frame counts as speech. Silero's own default is 0.5, but right
    # after speech its memory scores a following bang, pan or music 0.5-0.9; voiced speech frames score >= 0.9
    # (measured: 94-99% of them on the real clips), and the pauses between words are bridged by stop_ms.
    speech_threshold: Fraction = 0.9
    # Speech must hold this long before `speech_start`: a clap or a bang is over sooner.
    start_ms: Ms = 160
    # Silence must hold this long before `speech_end`: the pauses between words are shorter.
    stop_ms: Ms = 600
    # A speech frame must also be voiced: its best normalised autocorrelation at a pitch of 60-400 Hz
    # reaches this. Measured: vowels 0.8-0.9, running water and white noise <= 0.25, pink noise <= 0.5.
    # Silero alone keeps saying "speech" over noise that follows speech directly (its memory of the voice).
    min_voicing: Fraction = 0.5


@dataclass(frozen=True)
class RaisedVoiceSettings:
    # Rise above the calm baseline that counts as raised. Calm speech wanders ~±3 dB (measured: smoothed
    # espeak and real speech at most +2.7 dB over its median); shouting is +10 dB or more.
    threshold_db: Rise = 6.0
    # The rise must hold this long (audio time) before we say anything: one emphatic word is not a
    # raised voice.
    hold_ms: Ms = 1500
    # Once raised, the level must fall this far below the threshold before a new rise can start.
    hysteresis_db: Margin = 2.0
    # After an event, stay quiet this long: nagging makes a fight worse.
    cooldown_ms: Ms = 20_000
    # The calm level in dBFS, if known (calibration); None = learn it from the first seconds of speech.
    baseline_db: Dbfs | None = None
    # How much speech to learn a first baseline from when it is not given.
    calibration_ms: Ms = 4000
    # Without a calibration the baseline keeps learning from the voice's speech until this much of it has
    # been heard (its first minute), and is this low percentile of its smoothed speech levels: a loud start
    # (a third of that minute) barely lifts it; lower percentiles sit ~3 dB under the median of real calm
    # speech and would let calm speech reach the threshold.
    learn_ms: Ms = 60_000
    learn_percentile: Annotated[float, Meta(ge=0, le=50)] = 40.0
    # Silence shorter than this (a breath between shouted sentences) does not break a rise being held;
    # a longer one does, and also lets a new rise count as new.
    max_pause_ms: Ms = 1000


@dataclass(frozen=True)
class RecognizerSettings:
    # "vosk" (streaming) | "whisper" (extra `whisper`) | "none"; None = the factory's default (vosk)
    engine: Name | None = field(default=None, metadata=choices(ENGINE))
    model: Name | None = None  # a model directory or name; None = the default Dutch model for the engine
    partial_interval_ms: Ms = 500  # at most one `partial` event this often (audio time)


@dataclass(frozen=True)
class ProtocolSettings:
    """Which conversation to hold and its own numbers; None = the protocol file's default."""

    # vrij | vertraag | spreker-luisteraar | time-out (phrases/nl/protocols/). None: `vertraag` live,
    # `vrij` for a recording (a recording has no one to guide).
    name: Name | None = field(default=None, metadata=choices(PROTOCOL))
    partner_a: Name = "partner een"  # who starts; spoken in the prompts, so write names as they sound
    partner_b: Name = "partner twee"
    turn_seconds: PositiveSeconds | None = None  # the speaker's turn (vertraag: 120 s)
    mirror_seconds: PositiveSeconds | None = None  # the listener's mirroring (vertraag: 60 s)
    rounds: Count | None = None  # how often each partner is the speaker
    breathing: bool | None = None  # the optional paced breath after the welcome
    timeout_minutes: TimeoutMinutes | None = None  # the time-out's break; >= 20 (flooding needs that long)
    pause_word: Name = "time-out"  # said by either partner, it starts a time-out (named in the welcome)


@dataclass(frozen=True)
class SessionSettings:
    """When vertraag steps in. Sparse on purpose: a prompt that nags makes a fight worse."""

    # At most one intervention this often (audio time). Live feedback: sparse cues help, a stream annoys.
    min_gap_s: Seconds = 20.0
    # Silence that counts as a pause in speech, when a word prompt may be spoken (never mid-sentence).
    pause_ms: Ms = 700
    # A finding not spoken within this long of its utterance is stale and dropped (the moment has passed).
    stale_after_s: Seconds = 15.0
    # When a phase's time is up, wait at most this long for a pause in speech before moving on.
    phase_end_grace_s: Seconds = 4.0
    # Half-duplex: after vertraag's own voice, keep the microphone deaf this much longer (echo, room tail).
    half_duplex_tail_ms: Ms = 500
    # Escalation: this many raised voices or threats within escalation_window_s -> propose a time-out.
    escalation_count: Count = 3
    escalation_window_s: Seconds = 300.0
    # After proposing a time-out: start it when nobody objects ("verder") within this long.
    timeout_accept_s: Seconds = 8.0
    # Gentle first: a second intervention within this long gets the firmer wording.
    firm_window_s: Seconds = 180.0
    # An I-message is acknowledged now and then: at most once per this long.
    i_message_gap_s: Seconds = 300.0
    # Detectors the session acts on (a therapist can switch them off).
    raised_voice: bool = True
    words: bool = True
    speech_rate: bool = True


@dataclass(frozen=True)
class SpeechRateSettings:
    """Speaking fast: words per second of speech, against the partner's own calm rate."""

    # The calm rate is the median of the first utterances with at least min_words, until this much speech.
    calibration_s: Seconds = 15.0
    min_words: Count = 4  # shorter utterances say little about a rate ("ja", "nee hoor")
    # Fast: this many times the calm rate (calm Dutch ~2.5-3 words/s; hurried 4+), ...
    factor: Factor = 1.35
    # ... held over this much speech (several utterances), not one rushed sentence.
    hold_s: Seconds = 8.0
    cooldown_s: Seconds = 60.0


@dataclass(frozen=True)
class VoiceSettings:
    """vertraag's own voice."""

    rate_wpm: WordsPerMinute = 140  # calm: espeak-ng speaks 175 words per minute by default
    folder: Name | None = None  # recorded prompts (one WAV per prompt id), e.g. a therapist's own voice
    # The speech engine: "auto" = the first that works of Piper (with an installed Dutch voice), espeak-ng,
    # pyttsx3; a named engine goes first and the others stay as fallbacks.
    tts: str = field(default="auto", metadata=choices(TTS))
    piper_voice: Name | None = None  # a Piper voice by name (`vertraag model list`) or an .onnx path


@dataclass(frozen=True)
class VoicesSettings:
    """Telling the two partners' voices apart (voices/)."""

    # Ask the GE2E encoder (the Resemblyzer wheel) about segments the GMM is unsure of: in kitchen noise it
    # halves "unsure" at about 0.3% of a core (README, "Who is speaking"); without the wheel the GMM decides.
    second_opinion: bool = True


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
    voices: VoicesSettings = field(default_factory=VoicesSettings)
