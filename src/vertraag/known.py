"""The names settings may choose from, each from where it lives: the engines (recognisers and speech) from
the model catalogue, the protocols from the phrase files. Passed into the settings' check (config/), which
imports nothing of vertraag.
"""

from __future__ import annotations

from vertraag.config.schema import ENGINE, PROTOCOL, TTS, Names
from vertraag.models.catalog import ENGINE_CHOICES, TTS_ENGINES
from vertraag.phrases import protocol_names


def names() -> Names:
    return {ENGINE: ENGINE_CHOICES, PROTOCOL: tuple(protocol_names()), TTS: TTS_ENGINES}
