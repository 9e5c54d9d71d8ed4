"""The conversation's data files: what ships loads, and a therapist's typo is refused with file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vertraag.config import ProtocolSettings
from vertraag.errors import UserError
from vertraag.phrases import language_dir, protocol_names
from vertraag.session.commands import load_commands
from vertraag.session.policy import REASONS, load_policy
from vertraag.session.prompts import load_prompts
from vertraag.session.protocol import load_protocol, parse_protocol

SHIPPED = ("spreker-luisteraar", "time-out", "vertraag", "vrij")


def test_the_shipped_protocols_load_and_plan() -> None:
    assert tuple(protocol_names()) == SHIPPED
    plan = load_protocol("vertraag").plan(ProtocolSettings(turn_seconds=90, breathing=False))
    speak = [p for p in plan if p.id == "spreken"]
    assert [p.seconds for p in speak] == [90.0, 90.0] and [p.speaker for p in speak] == ["a", "b"]
    assert "ademen" not in [p.id for p in plan]
    timeout = load_protocol("time-out").plan(ProtocolSettings(timeout_minutes=30))
    assert [p.seconds for p in timeout if p.spec.kind == "wait"] == [1800.0]


def test_every_intervention_has_a_prompt_and_varies_its_wording() -> None:
    policy, prompts = load_policy(), load_prompts()
    assert set(policy) == set(REASONS)
    for reason, intervention in policy.items():
        if intervention.ends_session:
            continue  # said once: the exercise stops
        variants = sum(prompts.count(p) for p in intervention.prompts)
        assert variants >= 2, reason  # never the same wording twice in a row


def test_commands_are_short_utterances_only() -> None:
    words = load_commands()
    assert words.command("Volgende.") == "next"
    assert words.command("eh, volgende graag") == "next"
    assert words.command("Time-out!") == "timeout"
    assert words.command("stop") is None  # said to the partner in an argument, not to vertraag
    assert words.command("ik wil hier niet verder over praten") is None


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "nl"
    shutil.copytree(language_dir(), copy)
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("seconds = 120", "seconds = -5", "'seconds'"),
        ("seconds = 120", "secnds = 120", "onbekende sleutel"),
        ('prompt = "spiegelen"', 'prompt = "spiegel"', "prompt 'spiegel'"),
        ('kind = "talk"', 'kind = "praten"', "'kind'"),
        ('talker = "speaker"', 'talker = "de man"', "'talker'"),
    ],
)
def test_a_broken_protocol_is_refused_with_file_and_key(
    data_dir: Path, old: str, new: str, said: str
) -> None:
    path = data_dir / "protocols" / "vertraag.toml"
    _edit(path, old, new)
    with pytest.raises(UserError) as exc:
        parse_protocol("vertraag", path, load_prompts(directory=data_dir))
    assert "protocols/vertraag.toml" in exc.value.message and said in exc.value.message


def test_an_unknown_placeholder_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "prompts.toml", "{luisteraar}, jij luistert alleen", "{partner}, jij luistert alleen")
    with pytest.raises(UserError) as exc:
        load_prompts(directory=data_dir)
    assert "prompts.toml spreken" in exc.value.message and "{partner}" in exc.value.message


def test_a_missing_prompt_in_the_interventions_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "interventions.toml", 'prompts = ["tempo"]', 'prompts = ["sneller"]')
    with pytest.raises(UserError) as exc:
        load_policy(directory=data_dir)
    assert "interventions.toml [speech_rate]" in exc.value.message and "'sneller'" in exc.value.message


def test_a_list_written_as_text_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "interventions.toml", 'prompts = ["tempo"]', 'prompts = "tempo"')
    with pytest.raises(UserError) as exc:
        load_policy(directory=data_dir)
    assert "'prompts'" in exc.value.message


def test_an_unknown_protocol_names_the_ones_there_are() -> None:
    with pytest.raises(UserError) as exc:
        load_protocol("ruzie")
    assert "vertraag" in exc.value.message and "vrij" in exc.value.message
