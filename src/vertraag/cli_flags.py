"""Flags that `vertraag run` and `vertraag start` share: vertraag's own voice (recorded prompts, the speech
engine), and how they override the settings."""

from __future__ import annotations

import argparse
from pathlib import Path

from vertraag.config import Names, Settings, override
from vertraag.models.catalog import TTS_ENGINES


def add_voice_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--voice", type=Path, help="map met opgenomen prompts: één WAV per prompt-id")
    parser.add_argument(
        "--tts",
        choices=TTS_ENGINES,
        help="spraakmotor (standaard auto: de eerste die werkt van piper, espeak, pyttsx3)",
    )


def with_voice_flags(settings: Settings, args: argparse.Namespace, names: Names) -> Settings:
    folder = str(args.voice) if args.voice is not None else None
    return override(settings, "voice", names=names, folder=folder, tts=args.tts)
