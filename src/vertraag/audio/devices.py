"""Every sound device PortAudio offers (microphones and speakers), for `vertraag devices` and the start."""

from __future__ import annotations

from dataclasses import dataclass

from vertraag.audio.mic_source import import_sounddevice


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    inputs: int  # channels it can record; 0 = not a microphone
    outputs: int  # channels it can play; 0 = not a speaker

    @property
    def label(self) -> str:
        return f"{self.index}: {self.name}"


def list_devices() -> list[Device]:
    sd = import_sounddevice()
    return [
        Device(int(d["index"]), str(d["name"]), int(d["max_input_channels"]), int(d["max_output_channels"]))
        for d in sd.query_devices()
    ]
