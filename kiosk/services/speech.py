"""Spoken announcements: the phrase for a call in each language, and its audio from espeak-ng.

A call is announced as "А 23, шалтер 4" in each of the office's languages, in the office's
order. Browsers often have no Macedonian voice, so the audio is made here with espeak-ng
(Debian's package) and kept in a cache folder, one WAV file per phrase, named by a hash of
(voice, speed, text). The hash is all a URL carries: the server only ever speaks text that it
wrote itself (a ``<hash>.json`` beside the audio says what), never text from a request.

What espeak-ng needs help with, checked voice by voice with ``espeak-ng -v <voice> -q --ipa``:

- A letter on its own is read as a word: English "A 23" says the article "a", and a Bulgarian
  voice reads a Latin "A" as English "ei". So the prefix is spelled as its letter name in each
  language, in that language's script ("Ка" in Macedonian, "ka" in Albanian).
- Macedonian numbers: espeak says "сто еден" and "деветсто"; the language says "сто и еден" and
  "деветстотини". Macedonian numbers are written out as words here; the other voices read
  digits correctly (checked from 1 to 999).
- Numbers are spoken from the ticket's number, never from its printed code: no leading zeros.

Framework-free: no Flask here. Romani and Aromanian have no espeak-ng voice; a call is then
shown but not spoken in them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import struct
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Interface language -> espeak-ng voice.
VOICES = {
    "mk": "mk",
    "sq": "sq",
    "bg": "bg",
    "en": "en-gb",
    "tr": "tr",
    "sr": "sr",
    "bs": "bs",
}
SPEED = 155  # words per minute: a little slower than espeak's 175, for a hall with an echo
ESPEAK_TIMEOUT = 10  # seconds
CACHE_MAX_BYTES = 300 * 1024 * 1024  # older phrases are removed beyond this (prune())

# The word for "counter", and how a call is read, per language.
COUNTER_WORDS = {
    "mk": "шалтер",
    "sq": "sporteli",
    "bg": "гише",
    "en": "counter",
    "tr": "gişe",
    "sr": "šalter",
    "bs": "šalter",
}
# How the call is written for people (subtitles, screen readers) and spoken to espeak-ng.
CALL_SHOWN = "{letter} {number}, {counter_word} {counter}"
CALL_SPOKEN = {
    # English reads "A 23" as the article "a": a comma after the letter makes it the letter.
    "en": "{letter}, {number}, {counter_word} {counter}.",
}
CALL_SPOKEN_DEFAULT = "{letter} {number}, {counter_word} {counter}."

# A citizen's ticket read aloud at the kiosk, in the language they chose.
TICKET_SPOKEN = {
    "mk": "Вашиот број е {letter} {number}. {service}. "
    "Почекајте додека вашиот број не се појави на екранот.",
    "sq": "Numri juaj është {letter} {number}. {service}. "
    "Ju lutemi prisni derisa numri juaj të shfaqet në ekran.",
    "bg": "Вашият номер е {letter} {number}. {service}. "
    "Моля, изчакайте, докато номерът ви се появи на екрана.",
    "en": "Your number is {letter}, {number}. {service}. "
    "Please wait until your number appears on the screen.",
    "tr": "Numaranız {letter} {number}. {service}. "
    "Lütfen numaranız ekranda görünene kadar bekleyin.",
    "sr": "Vaš broj je {letter} {number}. {service}. "
    "Molimo sačekajte dok se vaš broj ne pojavi na ekranu.",
    "bs": "Vaš broj je {letter} {number}. {service}. "
    "Molimo sačekajte dok se vaš broj ne pojavi na ekranu.",
}

CYRILLIC_LANGUAGES = ("mk", "bg")

# A Cyrillic prefix typed by an administrator, as the Latin letter it sounds like.
_CYRILLIC_SOUNDS = dict(zip("АБВГДЕЗИЈКЛМНОПРСТУФХЦ", "ABVGDEZIJKLMNOPRSTUFHC", strict=True))
# Latin letters drawn the same in Cyrillic and read the same: shown in the voice's script.
_SAME_IN_CYRILLIC = dict(zip("AEKMTOJ", "АЕКМТОЈ", strict=True))

# Each Latin letter's name, as people say it when they spell, per language.
LETTER_NAMES: dict[str, dict[str, str]] = {
    "mk": dict(zip(
        "ABCDEFGHIJKLMNOPRSTUVZ",
        "А Бе Це Де Е Еф Ге Ха И Је Ка Ле Ме Не О Пе Ре Се Те У Ве Зе".split(),
        strict=True,
    )),
    "bg": dict(zip(
        "ABCDEFGHIJKLMNOPRSTUVZ",
        "А Бе Це Де Е Еф Ге Ха И Йот Ка Ел Ме Не О Пе Ре Се Те У Ве Зе".split(),
        strict=True,
    )),
    "sq": dict(zip(
        "ABCDEFGHIJKLMNOPQRSTUVXYZ",
        "a bë cë dë e fë gë hë i jë ka lë më në o pë që rë së të u vë xë y zë".split(),
        strict=True,
    )),
    "tr": dict(zip(
        "ABCDEFGHIJKLMNOPRSTUVYZ",
        "a be ce de e fe ge he ı je ke le me ne o pe re se te u ve ye ze".split(),
        strict=True,
    )),
    "sr": dict(zip(
        "ABCDEFGHIJKLMNOPRSTUVZ",
        "a be ce de e ef ge ha i je ka el em en o pe er es te u ve ze".split(),
        strict=True,
    )),
    "en": {},  # espeak-ng's English says capital letters by their names
}  # fmt: skip
LETTER_NAMES["bs"] = LETTER_NAMES["sr"]

# Macedonian numbers in words (espeak-ng gets the hundreds and the "и" wrong).
_MK_ONES = "нула еден два три четири пет шест седум осум девет".split()
_MK_TEENS = (
    "десет единаесет дванаесет тринаесет четиринаесет петнаесет шеснаесет седумнаесет "
    "осумнаесет деветнаесет"
).split()
_MK_TENS = {
    2: "дваесет", 3: "триесет", 4: "четириесет", 5: "педесет",
    6: "шеесет", 7: "седумдесет", 8: "осумдесет", 9: "деведесет",
}  # fmt: skip
_MK_HUNDREDS = {
    1: "сто", 2: "двесте", 3: "триста", 4: "четиристотини", 5: "петстотини",
    6: "шестотини", 7: "седумстотини", 8: "осумстотини", 9: "деветстотини",
}  # fmt: skip


def mk_number(n: int) -> str:
    """A number from 0 to 9999 in Macedonian words: 23 "дваесет и три", 101 "сто и еден"."""
    if not 0 <= n <= 9999:
        return str(n)
    if n < 10:
        return _MK_ONES[n]
    parts: list[str] = []
    thousands, rest = divmod(n, 1000)
    if thousands == 1:
        parts.append("илјада")
    elif thousands:
        parts.append(("две" if thousands == 2 else _MK_ONES[thousands]) + " илјади")
    hundreds, rest = divmod(rest, 100)
    if hundreds:
        parts.append(_MK_HUNDREDS[hundreds])
    if rest:
        if rest < 10:
            last = [_MK_ONES[rest]]
        elif rest < 20:
            last = [_MK_TEENS[rest - 10]]
        else:
            tens, ones = divmod(rest, 10)
            last = [_MK_TENS[tens]] + ([_MK_ONES[ones]] if ones else [])
        # "и" joins the last word to what comes before it: "сто и еден", "дваесет и три".
        parts.extend(last[:-1])
        if parts:
            parts.append("и")
        parts.append(last[-1])
    elif len(parts) > 1:
        parts.insert(-1, "и")  # "илјада и сто"
    return " ".join(parts)


def spoken_number(lang: str, n: int) -> str:
    """A number as espeak-ng should get it in this language: words where its voice errs."""
    return mk_number(n) if lang == "mk" else str(int(n))


def _letters(prefix: str) -> list[str]:
    """The prefix as Latin letters by sound (an administrator may have typed Cyrillic)."""
    return [_CYRILLIC_SOUNDS.get(ch, ch) for ch in prefix.strip().upper()]


def shown_prefix(lang: str, prefix: str) -> str:
    """The prefix as people read it in this language: Cyrillic look-alikes in mk and bg."""
    letters = _letters(prefix)
    if lang in CYRILLIC_LANGUAGES:
        letters = [_SAME_IN_CYRILLIC.get(ch, ch) for ch in letters]
    return "".join(letters)


def spoken_prefix(lang: str, prefix: str) -> str:
    """The prefix spelled by its letter names ("Ка" in Macedonian), one name per letter."""
    names = LETTER_NAMES.get(lang, {})
    return " ".join(names.get(ch, ch) for ch in _letters(prefix))


@dataclass(frozen=True)
class Phrase:
    """One language's announcement: the words shown and the text espeak-ng speaks."""

    lang: str
    voice: str | None  # None: no espeak-ng voice for this language (shown, not spoken)
    shown: str
    spoken: str

    @property
    def key(self) -> str | None:
        return clip_key(self.voice, self.spoken) if self.voice else None


def call_phrase(lang: str, prefix: str, number: int, counter: int) -> Phrase:
    """The announcement of a call in one language: "А 23, шалтер 4" (never "А 023")."""
    word = COUNTER_WORDS.get(lang, COUNTER_WORDS["en"])
    shown = CALL_SHOWN.format(
        letter=shown_prefix(lang, prefix), number=int(number), counter_word=word,
        counter=int(counter),
    )  # fmt: skip
    spoken = CALL_SPOKEN.get(lang, CALL_SPOKEN_DEFAULT).format(
        letter=spoken_prefix(lang, prefix),
        number=spoken_number(lang, number),
        counter_word=word,
        counter=spoken_number(lang, counter),
    )
    return Phrase(lang, VOICES.get(lang), shown, spoken)


def call_phrases(languages, prefix: str, number: int, counter: int) -> list[Phrase]:
    """The call in each of the office's languages, in the office's order."""
    return [call_phrase(lang, prefix, number, counter) for lang in dict.fromkeys(languages)]


def ticket_phrase(lang: str, prefix: str, number: int, service: str) -> Phrase | None:
    """A ticket read aloud at the kiosk, or None where the language has no voice."""
    template = TICKET_SPOKEN.get(lang)
    if template is None or lang not in VOICES:
        return None
    service = " ".join(service.split()).rstrip(".")
    spoken = template.format(
        letter=spoken_prefix(lang, prefix), number=spoken_number(lang, number), service=service
    )
    shown = f"{shown_prefix(lang, prefix)} {int(number)}"
    return Phrase(lang, VOICES[lang], shown, spoken)


def split_code(code: str) -> tuple[str, int] | None:
    """A ticket code "A023" as ("A", 23); None when it does not end in a number."""
    prefix = code.rstrip("0123456789")
    digits = code[len(prefix) :]
    return (prefix, int(digits)) if digits else None


def clip_key(voice: str, text: str, speed: int = SPEED) -> str:
    """The cache key of a phrase's audio: a hash of everything that changes the sound."""
    return hashlib.sha256(f"{voice}\0{speed}\0{text}".encode()).hexdigest()[:32]


class SpeechError(Exception):
    """The audio of a phrase could not be made (no espeak-ng, or espeak-ng failed)."""


class UnknownPhrase(SpeechError):
    """No phrase was prepared under this key."""


class SpeechCache:
    """A folder of WAV files, one per phrase, made by espeak-ng on first use.

    ``prepare`` records a phrase (``<key>.json``) and returns its key; ``audio`` returns the
    WAV for a key, making it if needed. Safe across threads and processes: files are written
    under a temporary name and renamed into place.
    """

    _locks = [threading.Lock() for _ in range(32)]

    def __init__(self, directory: Path | str, espeak: str | None = "espeak-ng"):
        self.directory = Path(directory)
        self.espeak = shutil.which(espeak) if espeak else None
        # Speech is made in the background after a call; at a lower priority it never slows
        # the pushes that put the call on the screens (on a 2-core box it would).
        nice = shutil.which("nice")
        self._prefix = [nice, "-n", "10"] if nice else []
        self._made = 0

    @property
    def available(self) -> bool:
        return self.espeak is not None

    def prepare(self, phrase: Phrase) -> str | None:
        """Record the phrase so that its key can be served; None where it has no voice."""
        if phrase.voice is None:
            return None
        key = phrase.key
        spec = self.directory / f"{key}.json"
        if not spec.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            data = {"voice": phrase.voice, "speed": SPEED, "text": phrase.spoken}
            _write_atomic(spec, json.dumps(data, ensure_ascii=False).encode())
        return key

    def is_cached(self, key: str) -> bool:
        return (self.directory / f"{key}.wav").exists()

    def audio(self, key: str) -> Path:
        """The WAV file of a prepared phrase, made now if it is not cached yet."""
        if not _is_key(key):
            raise UnknownPhrase(f"not a phrase key: {key!r}")
        wav = self.directory / f"{key}.wav"
        if wav.exists():
            return wav
        with self._locks[int(key[:8], 16) % len(self._locks)]:
            if wav.exists():  # made by another thread while this one waited
                return wav
            try:
                spec = json.loads((self.directory / f"{key}.json").read_text())
            except (OSError, ValueError) as exc:
                raise UnknownPhrase(f"unknown phrase {key}") from exc
            self._synthesise(spec["voice"], int(spec["speed"]), spec["text"], wav)
        self._made += 1
        if self._made % 100 == 0:
            self.prune()
        return wav

    def warm(self, keys) -> None:
        """Make the audio of these phrases now (run in the background after a call)."""
        for key in keys:
            try:
                self.audio(key)
            except SpeechError as exc:
                log.warning("speech: %s", exc)
            except Exception:  # a background task must never die noisily
                log.exception("speech: could not prepare %s", key)

    def _synthesise(self, voice: str, speed: int, text: str, target: Path) -> None:
        if self.espeak is None:
            raise SpeechError("espeak-ng is not installed: calls are shown but not spoken")
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=self.directory)
        os.close(fd)
        try:
            result = subprocess.run(
                [*self._prefix, self.espeak, "-v", voice, "-s", str(speed), "-w", tmp, "--", text],
                capture_output=True,
                timeout=ESPEAK_TIMEOUT,
                check=False,
            )
            if result.returncode != 0 or os.path.getsize(tmp) <= 44:
                err = result.stderr.decode(errors="replace").strip()
                raise SpeechError(f"espeak-ng -v {voice} failed ({result.returncode}): {err}")
            trim_silence(tmp)
            os.replace(tmp, target)
        except subprocess.TimeoutExpired as exc:
            raise SpeechError(f"espeak-ng -v {voice} took longer than {ESPEAK_TIMEOUT}s") from exc
        except OSError as exc:
            raise SpeechError(f"espeak-ng -v {voice} could not run: {exc}") from exc
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def prune(self, max_bytes: int = CACHE_MAX_BYTES) -> int:
        """Remove the least recently made audio beyond ``max_bytes``, with its phrase; return
        how many went. A phrase needed again is prepared and spoken again."""
        made = []
        for path in self.directory.glob("*.wav"):
            if not _is_key(path.stem):
                continue  # audio another thread is making right now (a temporary file)
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue  # pruned by another thread meanwhile
            made.append((stat.st_mtime, stat.st_size, path))
        made.sort()
        total = sum(size for _, size, _ in made)
        removed = 0
        for _, size, path in made:
            if total <= max_bytes:
                break
            total -= size
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
            removed += 1
        return removed


def trim_silence(path: Path | str, threshold: int = 200, margin: float = 0.04) -> None:
    """Cut the silence espeak-ng leaves after a phrase (about 0.4 s), keeping a short margin:
    the client puts its own pause between the languages."""
    with wave.open(str(path), "rb") as w:
        params = w.getparams()
        frames = w.readframes(params.nframes)
    if params.sampwidth != 2 or params.nchannels != 1:
        return
    samples = memoryview(frames).cast("h")
    first = next((i for i in range(len(samples)) if abs(samples[i]) > threshold), None)
    if first is None:
        return
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    pad = int(margin * params.framerate)
    start, end = max(0, first - pad), min(len(samples), last + pad)
    with wave.open(str(path), "wb") as w:
        w.setparams(params)
        w.writeframes(samples[start:end].tobytes())


def _is_key(key: str) -> bool:
    return len(key) == 32 and all(c in "0123456789abcdef" for c in key)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ------------------------------------------------------------------------------- the chime


def write_chime(path: Path | str, rate: int = 22050) -> None:
    """Write the two-tone chime played before each announcement (static/audio/chime.wav).

    A soft "ding-dong" (G5 then E5) with a few overtones and a bell-like decay, 1.1 s.
    Made once with ``python -c "from kiosk.services.speech import write_chime;
    write_chime('static/audio/chime.wav')"`` and committed.
    """
    duration = 1.1
    notes = ((0.0, 783.99), (0.36, 659.25))  # (start in seconds, frequency in Hz)
    overtones = ((1.0, 1.0), (2.0, 0.28), (3.0, 0.08), (4.2, 0.04))
    frames = bytearray()
    samples = []
    for i in range(int(duration * rate)):
        t = i / rate
        value = 0.0
        for start, freq in notes:
            if t < start:
                continue
            u = t - start
            envelope = min(1.0, u / 0.006) * math.exp(-u / 0.32)
            value += envelope * sum(a * math.sin(2 * math.pi * freq * k * u) for k, a in overtones)
        fade = min(1.0, (duration - t) / 0.08)  # no click at the end
        samples.append(value * fade)
    peak = max(abs(s) for s in samples) or 1.0
    for s in samples:
        frames += struct.pack("<h", int(s / peak * 0.6 * 32767))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
