"""Turn-taking that listens (issue 15): talking over the partner who has the word gets one gentle prompt at
the next pause; a "ja" does not, a mirroring partner's confirmations do not, the free protocol never does.
Driven in audio time through the pure engine, with whose voice it was given as the pipeline would say it."""

from __future__ import annotations

from tests.session_driver import Drive
from vertraag.session.actions import TalkedOver

VOICE_EVERY_S = 1.0  # the tracker's partial judgements inside a segment


def talk(d: Drive, talker: str | None, seconds: float) -> None:
    """One speech segment of `talker`'s voice: `voice` events about every second, then `speech_end`."""
    start = d.now
    d.feed("speech_start", start)
    done = 0.0
    while done + VOICE_EVERY_S <= seconds:
        d.wait(VOICE_EVERY_S)
        d.feed("voice", talker=talker, start=start + done, end=start + done + VOICE_EVERY_S, confidence=0.9)
        done += VOICE_EVERY_S
    d.wait(seconds - done)
    d.feed("speech_end", d.now, duration=seconds, talker=talker, confidence=0.9)


def anna_speaks(**session: float) -> Drive:
    d = Drive("vertraag", partner_a="Anna", partner_b="Bram", breathing=False, session=dict(session))
    d.through_opening()
    assert d.state.phase is not None and d.state.phase.id == "spreken"
    return d


def noticed(d: Drive) -> list[TalkedOver]:
    return [a for _, a in d.log if isinstance(a, TalkedOver)]


def test_the_listener_talking_over_the_speaker_is_invited_to_wait_at_the_next_pause() -> None:
    d = anna_speaks()
    talk(d, "a", 6.0)
    talk(d, "b", 5.0)  # Bram talks for five seconds in Anna's turn
    assert [(o.talker, o.turn_of) for o in noticed(d)] == [("b", "a")]
    d.wait(1.0)
    said = d.says("interruption")
    assert len(said) == 1, d.log
    text = said[0][1].text
    assert text.startswith("Bram,") and "Anna" in text and "jij krijgt zo het woord" in text
    assert not any(word in text.lower() for word in ("fout", "niet doen", "stop"))  # never blaming


def test_a_short_ja_or_mm_is_not_an_interruption() -> None:
    d = anna_speaks()
    for _ in range(6):
        talk(d, "a", 4.0)
        d.wait(0.3)
        talk(d, "b", 0.6)  # "ja", "mm"
        d.wait(0.3)
    d.wait(2.0)
    assert noticed(d) == [] and d.says("interruption") == []


def test_talking_over_again_and_again_within_a_minute_is_noticed() -> None:
    d = anna_speaks()
    for _ in range(3):
        talk(d, "a", 5.0)
        talk(d, "b", 2.0)  # not long, but three times in half a minute
    d.wait(1.0)
    assert len(noticed(d)) == 1 and len(d.says("interruption")) == 1


def test_an_unsure_voice_never_counts() -> None:
    d = anna_speaks()
    talk(d, "a", 3.0)
    talk(d, None, 8.0)
    d.wait(1.0)
    assert noticed(d) == []


def test_the_speakers_confirmations_are_welcome_while_the_listener_mirrors() -> None:
    d = Drive(
        "vertraag", partner_a="Anna", partner_b="Bram", breathing=False, turn_seconds=30, mirror_seconds=60
    )
    d.through_opening()
    d.wait(31.0)
    while d.state.phase is not None and (d.state.phase.id != "spiegelen" or d.voice_end is not None):
        d.wait(0.5)
    for _ in range(5):
        talk(d, "b", 4.0)  # Bram mirrors
        talk(d, "a", 2.0)  # "ja, klopt, zo bedoelde ik het"
    d.wait(1.0)
    assert noticed(d) == [] and d.says("interruption") == []
    talk(d, "a", 6.0)  # Anna takes the word back for a long while
    d.wait(1.0)
    assert [(o.talker, o.turn_of) for o in noticed(d)] == [("a", "b")]
    said = d.says("interruption")
    assert said and said[0][1].text.startswith("Anna,") and "Bram" in said[0][1].text


def test_the_free_protocol_never_prompts_for_talking_over() -> None:
    d = Drive("vrij", partner_a="Anna", partner_b="Bram")
    for _ in range(5):
        talk(d, "a", 3.0)
        talk(d, "b", 6.0)
    d.wait(1.0)
    assert noticed(d) == [] and d.says("interruption") == []


def test_one_long_interruption_is_counted_once() -> None:
    d = anna_speaks()
    talk(d, "b", 12.0)
    d.wait(1.0)
    assert len(noticed(d)) == 1
