"""What vertraag says, read as a couple would hear it: every prompt variant rendered with names and the
longest words filled in, the word limits, no placeholder left, and the wording a Dutch-speaking therapist
asked for.

The named sentences of issue 16 are tests here (the detector) and in test_session_wording.py (the session).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from vertraag.detect.words import WordDetector
from vertraag.phrases import language_dir
from vertraag.session.policy import REASONS, WORD_REASONS, load_policy
from vertraag.session.prompts import PLACEHOLDERS, load_prompts

MAX_WORDS = 25  # a prompt is heard in a heated moment: one or two breaths
MAX_SAFETY_WORDS = 40  # the help lines need the numbers, said slowly
SAFETY_PROMPT = "veiligheid"
WORD = re.compile(r"\w")
NUMERAL_OPENS = re.compile(r"(?:^|[.!?]\s+)\d")  # a sentence that starts with a number

# The longest realistic filling of every placeholder: two-word names, a three-word match, the longest length.
FILLED = {
    "spreker": "partner een",
    "luisteraar": "partner twee",
    "eerste": "partner een",
    "tweede": "partner twee",
    "woord": "de hele avond",
    "minuten": "anderhalve minuut",
    "pauzeduur": "20 minuten",
    "terugtijd": "20.40 uur",
    "terugtijd_gezegd": "20 uur 40",
    "pauzewoord": "time-out",
}


@pytest.fixture(scope="module")
def detector() -> WordDetector:
    return WordDetector.load()


def words(text: str) -> int:
    return sum(1 for token in text.split() if WORD.search(token))


def reframes_for(detector: WordDetector, prompt_id: str) -> list[str]:
    """Every reframe that can be spoken inside `prompt_id`: those of the categories whose ladder uses it."""
    policy = load_policy()
    categories = {r for r in REASONS if prompt_id in policy[r].prompts and r in WORD_REASONS}
    lexicon = detector._lexicon
    found = [t.reframe for t in lexicon.topics if not t.categories or categories & set(t.categories)]
    return sorted({*found, *(lexicon.fallbacks[c] for c in categories)}) or [""]


def rendered(detector: WordDetector) -> Iterator[tuple[str, str, str]]:
    """(prompt id, shown, spoken) of every variant of every prompt, with every reframe it can carry."""
    prompts = load_prompts()
    for prompt_id, variants in prompts.variants.items():
        for n in range(len(variants)):
            for reframe in reframes_for(detector, prompt_id):
                variant = prompts.render(prompt_id, n, {**FILLED, "reframe": reframe})
                yield prompt_id, variant.text, variant.say


def test_every_spoken_prompt_is_short_and_the_safety_message_names_the_help(detector: WordDetector) -> None:
    too_long = [
        (prompt_id, words(said), said)
        for prompt_id, _, said in rendered(detector)
        if words(said) > (MAX_SAFETY_WORDS if prompt_id == SAFETY_PROMPT else MAX_WORDS)
    ]
    assert too_long == []
    [safety] = load_prompts().variants[SAFETY_PROMPT]
    assert "Wat er nu gezegd is, is belangrijker dan deze oefening." in safety.say
    assert "Veilig Thuis" in safety.say and "één één twee" in safety.say
    for shown in ("0800-2000", "gratis", "dag en nacht", "anoniem", "veiligthuis.nl", "112", "1712", "1813"):
        assert shown in safety.text, shown


def test_no_placeholder_is_left_and_no_sentence_starts_with_a_number(detector: WordDetector) -> None:
    assert set(FILLED) | {"reframe"} == PLACEHOLDERS  # a new placeholder gets a filling here too
    for prompt_id, shown, said in rendered(detector):
        for line in (shown, said):
            assert "{" not in line and "}" not in line, (prompt_id, line)
            assert not NUMERAL_OPENS.search(line), (prompt_id, line)


def test_reframes_are_spoken_invitations_not_questions(detector: WordDetector) -> None:
    lexicon = detector._lexicon
    for reframe in [t.reframe for t in lexicon.topics] + list(lexicon.fallbacks.values()):
        assert reframe.startswith("Probeer het eens"), reframe
        assert not reframe.endswith("?"), reframe  # the voice would rise over the model sentence


def test_hard_words_are_never_said_back() -> None:
    """Only absolute words ("nooit", "altijd") are named; an insult, contempt or an order never is."""
    policy, prompts = load_policy(), load_prompts()
    for reason in ("attack", "contempt", "command", "blame", "defensive", "past"):
        for prompt_id in policy[reason].prompts:
            for variant in prompts.variants[prompt_id]:
                assert "{woord}" not in variant.say and "Ik hoorde" not in variant.say, (reason, prompt_id)
    for prompt_id in policy["contempt"].prompts + policy["attack"].prompts + policy["command"].prompts:
        assert all(v.say.startswith(("Even ", "Laten we")) for v in prompts.variants[prompt_id])
    assert "Even vertragen. {reframe}" in [v.say for v in prompts.variants[policy["attack"].prompts[0]]]


FORBIDDEN = {
    "vloer": "an anglicism: 'het woord'",
    "begin bij jezelf": "reads as 'look at your own faults': 'spreek vanuit jezelf'",
    "was dat het": "'Klopt dat? Is er meer?'",
    "omhoog gaat": "one word: 'omhooggaat'",
    "verheven": "not Dutch for a raised voice",
    "dat is sterk": "reads as 'hard to believe' in Flanders",
}


def _user_text(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _user_text(value)
    elif isinstance(data, list):
        for value in data:
            yield from _user_text(value)


def test_the_wording_a_dutch_therapist_asked_for() -> None:
    import tomllib

    folder = language_dir()
    files = ["prompts.toml", "report.toml", "messages.toml", "reframes.toml"]
    texts = [
        (name, t) for name in files for t in _user_text(tomllib.loads((folder / name).read_text("utf-8")))
    ]
    for path in sorted((folder / "protocols").glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        texts += [(path.name, str(data["title"])), (path.name, str(data.get("summary", "")))]
        texts += [
            (path.name, str(phase["id"]))
            for section in ("opening", "turn", "closing")
            for phase in data.get(section, [])
        ]  # fmt: skip  (phase ids are shown on screen)
    for name, text in texts:
        for phrase, why in FORBIDDEN.items():
            assert phrase not in text.lower(), f"{name}: {text!r} ({why})"


def test_the_help_of_run_says_how_a_raised_voice_is_counted(capsys: pytest.CaptureFixture[str]) -> None:
    from vertraag.cli import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "verheven" not in shown and "verheffing" not in shown
    assert "telt als een stem die omhooggaat" in shown


def test_the_structure_of_the_slowed_dialogue() -> None:
    """Mirroring, "klopt dat? Is er meer?", what is added mirrored too, validating, empathy, the speaker's
    check; the welcome asks for one topic and no solutions; the breath says "niet forceren"."""
    from vertraag.config import ProtocolSettings
    from vertraag.session.protocol import load_protocol

    prompts = load_prompts()
    plan = load_protocol("vertraag").plan(ProtocolSettings(breathing=True))
    first_turn = [p.spec.prompt for p in plan if p.turn == 0]
    assert first_turn == ["spreken", "spiegelen", "aanvullen", "nog_spiegelen", "valideren", "inleven",
                          "inleven_klopt"]  # fmt: skip
    said = {k: [v.say for v in vs] for k, vs in prompts.variants.items()}
    assert all("klopt dat? Is er meer?" in s for s in said["aanvullen"])
    assert all("ik kan me voorstellen dat je je ... voelt" in s for s in said["inleven"])
    assert all("{spreker}, klopt dat?" in s for s in said["inleven_klopt"])
    assert all("één onderwerp" in s and "oplossingen komen later" in s for s in said["welkom"])
    assert all("Niet forceren." in s for s in said["ademen"])
    assert all("{terugtijd_gezegd}" in s for s in said["timeout_begin"])
    assert all("{pauzewoord}" in s for s in said["timeout_meer_tijd"])
    assert all("{pauzeduur}" in s and "{minuten}" not in s for s in said["timeout_voorstel"])


# ------------------------------------------------------------------ the named sentences: the detector


def test_a_past_tense_was_does_not_get_the_chores_reframe(detector: WordDetector) -> None:
    findings = detector.nudges(detector.find("Het was altijd weer jouw schuld"))
    assert findings
    assert not any("alles alleen" in f.reframe for f in findings)
    laundry = detector.nudges(detector.find("je doet nooit de was"))
    assert laundry and "alles alleen" in laundry[0].reframe  # the laundry still is a chore


@pytest.mark.parametrize("order", ["Ruim die rommel op!", "Ruim die troep nu eens op", "Doe normaal"])
def test_an_order_gets_a_request_in_return(detector: WordDetector, order: str) -> None:
    [finding] = detector.nudges(detector.find(order))
    assert finding.category == "command"
    assert "overspoeld" not in finding.reframe and "als vraag" in finding.reframe
    if "Ruim" in order:
        assert "Wil je me helpen opruimen? Dat zou ik fijn vinden." in finding.reframe.replace("wil", "Wil")


@pytest.mark.parametrize(
    "sentence",
    [
        "Ik voelde me alleen toen je de hele avond op je telefoon zat.",
        "Ik voel me eenzaam, je bent de hele avond weg.",
    ],
)
def test_a_sentence_that_speaks_from_a_feeling_is_not_nudged_for_de_hele_avond(
    detector: WordDetector, sentence: str
) -> None:
    assert detector.nudges(detector.find(sentence)) == []
    assert detector.nudges(detector.find("Je zit de hele avond op je telefoon."))  # without the feeling: yes


@pytest.mark.parametrize(
    "sentence",
    ["Als jij zo kwaad wordt, durf ik niks meer te zeggen", "Ik durf niet meer eerlijk te zijn tegen jou"],
)
def test_fear_of_retaliation_is_a_safety_finding(detector: WordDetector, sentence: str) -> None:
    assert [f.category for f in detector.nudges(detector.find(sentence))] == ["safety"]


def test_its_calm_look_alike_is_left_alone(detector: WordDetector) -> None:
    sentence = "Ik durf niks te zeggen over de film, anders verklap ik het einde"
    assert detector.nudges(detector.find(sentence)) == []


def test_the_placeholder_list_in_the_file_header_matches_the_code() -> None:
    header = (language_dir() / "prompts.toml").read_text("utf-8").split("# ---")[0]
    assert set(re.findall(r"\{(\w+)\}", header)) - {"name"} == PLACEHOLDERS
