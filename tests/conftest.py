"""Shared fixtures: the real test models (from PyPI packages, nothing downloaded)."""

from tests.models_fixture import vosk_ko_model_dir, whisper_base_dir

__all__ = ["vosk_ko_model_dir", "whisper_base_dir"]
