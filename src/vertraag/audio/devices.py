"""Sound devices, both directions: the only module that imports sounddevice (and only when asked, so
`import vertraag` works on a machine without PortAudio).

`list_devices()` lists what PortAudio offers, for `vertraag devices` and the start; `match_device()` finds the
device the user means (`--device`, `--output-device`: part of a name or a number) and a format it accepts:
the wanted rate when it can, else its own, mono when it can, else stereo. A missing or unusable device is
one clear sentence that lists the choices.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from vertraag.errors import UserError

log = logging.getLogger(__name__)

NO_PORTAUDIO = "PortAudio ontbreekt; installeer het met 'sudo apt install libportaudio2' en start opnieuw."
MAX_CHANNELS = 2  # devices that refuse mono are opened in stereo (averaged, or the same signal twice)


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    inputs: int  # channels it can record; 0 = not a microphone
    outputs: int  # channels it can play; 0 = not a speaker

    @property
    def label(self) -> str:
        return f"{self.index}: {self.name}"


@dataclass(frozen=True)
class Direction:
    """A microphone or a speaker: what to ask PortAudio, and what to say when it has nothing usable."""

    kind: str  # "input" | "output", as sounddevice names it
    none_found: str  # no device of this kind at all
    not_found: str  # `{device}` not found; `{choices}` lists the devices of this kind
    unusable: str  # `{name}` accepts no usable format
    cannot_open: str  # `{name}` refused to open a stream: `{problem}`
    error: type[UserError]  # what is raised

    @property
    def channels_key(self) -> str:
        return f"max_{self.kind}_channels"


@dataclass(frozen=True)
class DeviceFormat:
    """What the device is opened with."""

    index: int
    name: str
    rate: int  # Hz
    channels: int


def import_sounddevice(error: type[UserError] = UserError) -> Any:
    """sounddevice, or `error` when PortAudio is missing (sounddevice raises OSError at import)."""
    try:
        import sounddevice
    except OSError as exc:
        raise error(NO_PORTAUDIO) from exc
    return sounddevice


def parse_device(device: str | int | None) -> str | int | None:
    """A device as the user wrote it: a string of digits is an index, other text a name, '' the default."""
    if not isinstance(device, str):
        return device
    text = device.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


def list_devices() -> list[Device]:
    sd = import_sounddevice()
    return [
        Device(int(d["index"]), str(d["name"]), int(d["max_input_channels"]), int(d["max_output_channels"]))
        for d in sd.query_devices()
    ]


def match_device(
    sd: Any, device: str | int | None, direction: Direction, *, rate: int, own_rate_too: bool, dtype: str
) -> DeviceFormat:
    """The device the user means, at `rate` when it can (else, with `own_rate_too`, at its own rate); mono,
    else stereo. A `direction.error` that names the choices when there is no such device or format."""
    found = [d for d in sd.query_devices() if d[direction.channels_key] > 0]
    if not found:
        raise direction.error(direction.none_found)
    try:
        info = sd.query_devices(device, kind=direction.kind)
    except (ValueError, sd.PortAudioError) as exc:
        log.info("%s device %r: %s", direction.kind, device, exc)
        if device is None:
            raise direction.error(direction.none_found) from exc
        choices = ", ".join(f"{int(d['index'])}: {d['name']}" for d in found)
        raise direction.error(direction.not_found.format(device=device, choices=choices)) from exc
    index, name = int(info["index"]), str(info["name"])
    rates = [rate, int(info["default_samplerate"])] if own_rate_too else [rate]
    channel_options = sorted({1, min(MAX_CHANNELS, int(info[direction.channels_key]))})
    check = getattr(sd, f"check_{direction.kind}_settings")
    for candidate in dict.fromkeys(rates):
        for channels in channel_options:
            try:
                check(device=index, samplerate=candidate, channels=channels, dtype=dtype)
            except (ValueError, sd.PortAudioError) as exc:
                log.debug("%s refuses %d Hz x %d: %s", name, candidate, channels, exc)
                continue
            return DeviceFormat(index=index, name=name, rate=candidate, channels=channels)
    raise direction.error(direction.unusable.format(name=name))


def open_stream(sd: Any, direction: Direction, fmt: DeviceFormat, *, dtype: str, **options: Any) -> Any:
    """An input or output stream on the matched device (`options`: callback, blocksize ...); PortAudio's
    refusal is `direction.error`, naming the device."""
    stream_class = sd.InputStream if direction.kind == "input" else sd.OutputStream
    try:
        return stream_class(
            device=fmt.index, samplerate=fmt.rate, channels=fmt.channels, dtype=dtype, **options
        )
    except sd.PortAudioError as exc:
        log.info("opening %s failed: %s", fmt.name, exc)
        raise direction.error(direction.cannot_open.format(name=fmt.name, problem=exc)) from exc


def close_stream(sd: Any, stream: Any, name: str) -> None:
    try:
        stream.close(ignore_errors=True)
    except sd.PortAudioError as exc:  # a stream whose server is gone may still complain
        log.info("closing %s: %s", name, exc)
