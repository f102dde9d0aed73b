"""Spoken calls: the phrase in each language, its audio from espeak-ng, the cache, the route,
and what happens when speech is not available (the call is still shown; the problem logged)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import wave

import pytest

from kiosk import realtime
from kiosk.services import queue as rules
from kiosk.services import speech
from tests.displays.helpers import events, paired_device

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)


# ------------------------------------------------------------------------------- phrases


@pytest.mark.parametrize(
    "lang, shown, spoken",
    [
        ("mk", "А 23, шалтер 4", "А дваесет и три, шалтер четири."),
        ("sq", "A 23, sporteli 4", "a 23, sporteli 4."),
        ("bg", "А 23, гише 4", "А 23, гише 4."),
        ("en", "A 23, counter 4", "A, 23, counter 4."),
        ("tr", "A 23, gişe 4", "a 23, gişe 4."),
        ("sr", "A 23, šalter 4", "a 23, šalter 4."),
        ("bs", "A 23, šalter 4", "a 23, šalter 4."),
    ],
)
def test_a_call_is_phrased_in_each_language(lang, shown, spoken):
    phrase = speech.call_phrase(lang, "A", 23, 4)
    assert (phrase.shown, phrase.spoken) == (shown, spoken)
    assert phrase.voice == speech.VOICES[lang]


@pytest.mark.parametrize(
    "lang, letter",
    [("mk", "Ка"), ("bg", "Ка"), ("sq", "ka"), ("tr", "ke"), ("sr", "ka"), ("en", "K")],
)
def test_the_prefix_is_spelled_as_a_letter_name(lang, letter):
    spoken = speech.call_phrase(lang, "K", 5, 1).spoken
    assert spoken.startswith((f"{letter} ", f"{letter}, "))


def test_a_cyrillic_prefix_is_read_like_the_latin_letter_it_sounds_like():
    assert speech.call_phrase("en", "К", 5, 1).spoken == "K, 5, counter 1."
    assert speech.call_phrase("bg", "M", 5, 1).shown == "М 5, гише 1"  # the Cyrillic М


@pytest.mark.parametrize("code, parts", [("A023", ("A", 23)), ("E001", ("E", 1)),
                                         ("K100", ("K", 100)), ("AB7", ("AB", 7)),
                                         ("X", None)])  # fmt: skip
def test_a_ticket_code_splits_into_prefix_and_number_without_leading_zeros(code, parts):
    assert speech.split_code(code) == parts


def test_numbers_have_no_leading_zeros_in_any_language():
    for lang in speech.VOICES:
        phrase = speech.call_phrase(lang, "A", int("007"), 12)
        assert "007" not in phrase.spoken and "007" not in phrase.shown
        assert " 7" in phrase.shown


@pytest.mark.parametrize(
    "n, words",
    [
        (1, "еден"), (10, "десет"), (11, "единаесет"), (16, "шеснаесет"), (20, "дваесет"),
        (23, "дваесет и три"), (60, "шеесет"), (99, "деведесет и девет"), (100, "сто"),
        (101, "сто и еден"), (110, "сто и десет"), (123, "сто дваесет и три"),
        (200, "двесте"), (300, "триста"), (400, "четиристотини"), (600, "шестотини"),
        (999, "деветстотини деведесет и девет"), (1000, "илјада"),
        (2023, "две илјади дваесет и три"),
    ],
)  # fmt: skip
def test_macedonian_numbers_are_written_out_as_people_say_them(n, words):
    assert speech.mk_number(n) == words


def test_the_call_follows_the_office_language_order_without_repeats():
    phrases = speech.call_phrases(["sq", "mk", "sq", "en"], "E", 5, 2)
    assert [p.lang for p in phrases] == ["sq", "mk", "en"]


def test_a_language_without_a_voice_is_shown_but_not_spoken():
    phrase = speech.call_phrase("rom", "A", 3, 1)
    assert phrase.voice is None and phrase.key is None
    assert speech.ticket_phrase("rom", "A", 3, "Извод") is None


def test_the_ticket_read_aloud_names_the_number_and_the_service():
    phrase = speech.ticket_phrase("mk", "A", 7, "Извод од матична книга")
    assert phrase.spoken.startswith("Вашиот број е А седум. Извод од матична книга.")


def test_the_cache_key_changes_with_voice_speed_and_text():
    keys = {
        speech.clip_key("mk", "А 1"), speech.clip_key("bg", "А 1"),
        speech.clip_key("mk", "А 2"), speech.clip_key("mk", "А 1", speed=120),
    }  # fmt: skip
    assert len(keys) == 4 and all(len(k) == 32 for k in keys)


# ------------------------------------------------------------------------------- audio


@needs_espeak
def test_espeak_makes_a_wav_once_and_then_serves_it_from_the_cache(tmp_path, monkeypatch):
    cache = speech.SpeechCache(tmp_path)
    key = cache.prepare(speech.call_phrase("mk", "A", 23, 4))
    path = cache.audio(key)
    with wave.open(str(path)) as w:
        assert w.getnchannels() == 1 and w.getframerate() == 22050
        seconds = w.getnframes() / w.getframerate()
    assert 1.0 < seconds < 4.0  # trimmed: espeak-ng leaves ~0.4 s of silence at the end

    def no_second_run(*args, **kwargs):
        raise AssertionError("espeak-ng ran again for a cached phrase")

    monkeypatch.setattr(subprocess, "run", no_second_run)
    assert cache.audio(key) == path


@needs_espeak
@pytest.mark.parametrize("lang", sorted(speech.VOICES))
def test_every_voice_speaks(tmp_path, lang):
    cache = speech.SpeechCache(tmp_path)
    path = cache.audio(cache.prepare(speech.call_phrase(lang, "K", 101, 12)))
    assert path.read_bytes()[:4] == b"RIFF" and path.stat().st_size > 10_000


def test_only_prepared_phrases_are_spoken(tmp_path):
    cache = speech.SpeechCache(tmp_path)
    with pytest.raises(speech.UnknownPhrase):
        cache.audio("0" * 32)
    with pytest.raises(speech.UnknownPhrase):
        cache.audio("../../etc/passwd")


def test_without_espeak_the_audio_cannot_be_made(tmp_path, monkeypatch):
    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    cache = speech.SpeechCache(tmp_path)
    assert not cache.available
    key = cache.prepare(speech.call_phrase("mk", "A", 1, 1))
    with pytest.raises(speech.SpeechError, match="not installed"):
        cache.audio(key)


def test_a_failing_espeak_is_a_speech_error(tmp_path):
    cache = speech.SpeechCache(tmp_path)
    cache.espeak = shutil.which("false")
    key = cache.prepare(speech.call_phrase("mk", "A", 1, 1))
    with pytest.raises(speech.SpeechError, match="failed"):
        cache.audio(key)
    assert not cache.is_cached(key)
    assert not list(tmp_path.glob("*.wav"))  # no half-written file left behind


def test_prune_removes_the_oldest_audio_first(tmp_path):
    import os

    cache = speech.SpeechCache(tmp_path)
    for i in range(5):
        path = tmp_path / f"{i:032x}.wav"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (1000 + i, 1000 + i))
    assert cache.prune(max_bytes=2500) == 3
    assert sorted(p.name[-5:] for p in tmp_path.glob("*.wav")) == ["3.wav", "4.wav"]


def test_prune_leaves_audio_being_made_by_another_thread_alone(tmp_path):
    """A temporary file of a phrase being spoken is neither counted nor removed: pruning once
    raced with it (the file renamed between listing and stat) and the phrase was lost."""
    cache = speech.SpeechCache(tmp_path)
    old = tmp_path / f"{1:032x}.wav"
    old.write_bytes(b"x" * 1000)
    making = tmp_path / "tmpab12cd34.wav"
    making.write_bytes(b"y" * 5000)
    assert cache.prune(max_bytes=2000) == 0
    assert old.exists() and making.exists()


def test_the_chime_is_a_short_committed_wav():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "static" / "audio" / "chime.wav"
    with wave.open(str(path)) as w:
        assert 0.5 < w.getnframes() / w.getframerate() < 1.5


# ------------------------------------------------------------------------------- the route


def _called(db, factory, office):
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    rules.call_next(db.session, office.counters[1])
    db.session.commit()


@needs_espeak
def test_the_audio_of_a_call_is_served_with_long_cache_headers(client, db, factory, office):
    _called(db, factory, office)
    from kiosk.services.state import office_state

    (call,) = realtime.calls_to_announce(office_state(db.session, office))
    url = call["clips"][0]["url"]
    with client.get(url) as response:
        assert response.status_code == 200 and response.mimetype == "audio/wav"
        assert response.data[:4] == b"RIFF"
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]


def test_an_unknown_phrase_is_not_found(client, office):
    assert client.get(f"/display/speech/{'a' * 32}.wav").status_code == 404
    assert client.get("/display/speech/nothex.wav").status_code == 404


def test_when_speech_fails_the_call_still_shows_and_the_problem_is_logged(
    app, client, socket_client, db, factory, office, caplog
):
    cache = realtime.speech_cache()
    cache.espeak = shutil.which("false")  # espeak-ng is there but fails
    _, token = paired_device(db, office)
    display = socket_client("centar", token=token)
    _called(db, factory, office)
    realtime.office_changed(office)
    state = events(display, "state")[-1]
    assert "A001" in state["html"]  # shown
    url = state["calls"][-1]["clips"][0]["url"]
    with caplog.at_level(logging.ERROR, logger="kiosk.views.display"):
        assert client.get(url).status_code == 503
    assert "espeak-ng -v mk failed" in caplog.text


def test_without_espeak_a_call_is_pushed_with_no_audio(socket_client, db, factory, office,
                                                       monkeypatch, caplog):  # fmt: skip
    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    monkeypatch.setattr(realtime, "_warned_no_speech", False)
    _, token = paired_device(db, office)
    display = socket_client("centar", token=token)
    _called(db, factory, office)
    with caplog.at_level(logging.WARNING, logger="kiosk.realtime"):
        realtime.office_changed(office)
    (call,) = events(display, "state")[-1]["calls"]
    assert call["code"] == "A001" and all(c["url"] is None for c in call["clips"])
    assert [c["text"] for c in call["clips"]][0] == "А 1, шалтер 2"
    assert "espeak-ng is not installed" in caplog.text


def test_a_screen_reports_an_audio_problem_and_the_server_logs_it(client, office, caplog):
    from tests.factories import csrf_token

    token = csrf_token(client, "/kiosk/centar")
    with caplog.at_level(logging.WARNING, logger="kiosk.views.display"):
        response = client.post(
            "/display/audio-problems",
            json={"error": "NotAllowedError: play() failed", "url": "/x.wav", "page": "/display/c"},
            headers={"X-CSRFToken": token},
        )
    assert response.status_code == 204
    assert "audio problem on an unpaired screen" in caplog.text
    assert "NotAllowedError" in caplog.text


@needs_espeak
def test_the_kiosk_ticket_offers_to_be_read_aloud(client, office, factory):
    from tests.factories import csrf_token

    token = csrf_token(client, "/kiosk/centar")
    html = client.post(
        "/kiosk/centar/tickets",
        data={"service": factory.service(office, "BIRTH").id, "csrf_token": token, "lang": "mk"},
    ).get_data(as_text=True)
    assert 'class="k-speak"' in html
    url = html.split('data-speech="', 1)[1].split('"', 1)[0]
    with client.get(url) as audio:
        assert audio.data[:4] == b"RIFF"
