"""Shared fixtures: the real test models (from PyPI packages), the virtual sound card."""

from tests.models_fixture import vosk_ko_model_dir, whisper_base_dir
from tests.sound_card import card_env

__all__ = ["card_env", "vosk_ko_model_dir", "whisper_base_dir"]
