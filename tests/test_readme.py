"""The README matches the code: every flag and settings key it names exists, and every existing one is named.

Flags come from the real argparse parsers of every subcommand; keys from the settings schema. The README's
keys are those of the TOML block under "Settings" (a commented-out `# key = ...` line counts: it documents a
key that is off by default).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

from vertraag import cli, known
from vertraag.config import check as config_check
from vertraag.config import load_settings
from vertraag.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USER_ERROR

README = Path(__file__).resolve().parent.parent / "README.md"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
# Other programs' flags the README shows: `mypy --strict` ("Tests and benchmarks"); `systemctl --user enable
# --now` and `journalctl --user` ("Raspberry Pi").
OTHER_TOOLS_FLAGS = {"--strict", "--user", "--now"}
ALWAYS_THERE = {"--help"}  # argparse's own, on every command


def readme() -> str:
    return README.read_text(encoding="utf-8")


def parser_flags(parser: argparse.ArgumentParser) -> Iterator[str]:
    for action in parser._actions:
        yield from (flag for flag in action.option_strings if flag.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from parser_flags(sub)


def settings_block() -> str:
    section = readme().split("### Settings", 1)[1]
    return section.split("```toml", 1)[1].split("```", 1)[0]


def readme_keys() -> set[tuple[str, str]]:
    keys: set[tuple[str, str]] = set()
    section = ""
    for line in settings_block().splitlines():
        if header := re.match(r"\[(\w+)\]", line):
            section = header.group(1)
        elif key := re.match(r"#?\s*(\w+)\s*=", line):
            keys.add((section, key.group(1)))
    return keys


def test_every_flag_in_the_readme_exists_and_every_flag_is_in_it() -> None:
    in_code = set(parser_flags(cli.build_parser())) - ALWAYS_THERE
    in_readme = set(FLAG.findall(readme())) - OTHER_TOOLS_FLAGS
    assert sorted(in_readme - in_code) == [], "the README names flags that do not exist"
    assert sorted(in_code - in_readme) == [], "flags missing from the README"


def test_every_settings_key_in_the_readme_exists_and_every_key_is_in_it() -> None:
    in_code = {(section, key) for section, keys in config_check.keys().items() for key in keys}
    in_readme = readme_keys()
    assert sorted(in_readme - in_code) == [], "the README's settings block names keys that do not exist"
    assert sorted(in_code - in_readme) == [], "settings keys missing from the README's settings block"


def test_the_readme_states_the_exit_codes() -> None:
    text = " ".join(readme().split())
    for code, meaning in ((EXIT_OK, "done"), (EXIT_USER_ERROR, "bad input"), (EXIT_INTERRUPTED, "Ctrl-C")):
        assert re.search(rf"{code} [^,]*{meaning}", text), (code, meaning)



def test_the_readmes_settings_example_is_a_valid_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(settings_block(), encoding="utf-8")
    load_settings(path, names=known.names())  # a refusal would be a UserError naming the key
