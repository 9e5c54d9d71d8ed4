"""Settings: the schema (schema.py), the one check (check.py) and loading (load.py).

A leaf: it imports nothing of vertraag but `errors`, so every floor may read its settings. The names a field
chooses from (engines, protocols) live with what they name and are passed in (vertraag.known.names()).
"""

from vertraag.config.load import CONFIG_ENV, MODEL_ENV, default_config_path, load_settings, override
from vertraag.config.schema import (
    AudioSettings,
    Names,
    ProtocolSettings,
    RaisedVoiceSettings,
    RecognizerSettings,
    SessionSettings,
    Settings,
    SpeechRateSettings,
    VadSettings,
    VoiceSettings,
    VoicesSettings,
)

__all__ = [
    "CONFIG_ENV",
    "MODEL_ENV",
    "AudioSettings",
    "Names",
    "ProtocolSettings",
    "RaisedVoiceSettings",
    "RecognizerSettings",
    "SessionSettings",
    "Settings",
    "SpeechRateSettings",
    "VadSettings",
    "VoiceSettings",
    "VoicesSettings",
    "default_config_path",
    "load_settings",
    "override",
]
