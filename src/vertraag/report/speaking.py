"""Speaking time per partner, by voice: each second the tracker judged counts for that voice, and the rest of
a segment (its last second, or all of a short one) for the whole segment's talker. Talking over within one
segment so counts for who spoke. None is speech nobody was sure of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vertraag.events import Event

PARTNERS = ("a", "b")
SECONDS_DECIMALS = 1


@dataclass
class SpeakingTime:
    by_talker: dict[str | None, float] = field(default_factory=dict)
    _segment: dict[str | None, float] = field(default_factory=dict)  # the running segment's judged seconds

    def segment_started(self) -> None:
        self._segment = {}

    def heard(self, event: Event) -> None:
        """A `voice` event: about a second of one voice inside the running segment."""
        talker = event.data.get("talker")
        seconds = float(event.data.get("end", event.t)) - float(event.data.get("start", event.t))
        self._segment[talker] = self._segment.get(talker, 0.0) + max(0.0, seconds)

    def segment_ended(self, event: Event, duration: float) -> None:
        voices, self._segment = self._segment, {}
        talker = event.data.get("talker")
        voices[talker] = voices.get(talker, 0.0) + max(0.0, duration - sum(voices.values()))
        for who, seconds in voices.items():
            self.by_talker[who] = self.by_talker.get(who, 0.0) + seconds

    def rows(self, names: dict[str, str]) -> list[dict[str, Any]]:
        return [
            {"partner": key, "name": names.get(key, key), "speech_s": self.seconds(key)} for key in PARTNERS
        ]

    def seconds(self, talker: str | None) -> float:
        return round(self.by_talker.get(talker, 0.0), SECONDS_DECIMALS)
