"""Shared fixtures: the real test models (from PyPI packages), the virtual sound card, a private runtime
folder (the one-live-session lock lives there: tests of other checkouts on this machine never meet it)."""

from collections.abc import Iterator

import pytest

from tests.models_fixture import vosk_ko_model_dir, whisper_base_dir
from tests.sound_card import card_env

__all__ = ["card_env", "private_runtime_dir", "vosk_ko_model_dir", "whisper_base_dir"]

PRIVATE_DIR_MODE = 0o700


@pytest.fixture(scope="session", autouse=True)
def private_runtime_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """$XDG_RUNTIME_DIR for this test run and every process it starts."""
    folder = tmp_path_factory.mktemp("runtime")
    folder.chmod(PRIVATE_DIR_MODE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_RUNTIME_DIR", str(folder))
        yield
