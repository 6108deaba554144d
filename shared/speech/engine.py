"""Spoken call-outs, generated offline with espeak-ng and cached on disk as WAV files.

The lobby display plays a chime, then "Number A 42, counter 5" in each configured language; the
kiosk reads its screens aloud with the same service. Text reaches espeak-ng only from the server
(validated numbers, translated catalogue texts), on stdin and as SSML with every character
escaped, through an argument list: never through a shell, never as client-supplied text.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import struct
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

ESPEAK_EXECUTABLE = "espeak-ng"
TICKET_NUMBER = re.compile(r"[A-Z][0-9]{3,4}")
SPEECH_LANGUAGES = ("fi", "sv", "en")
# espeak-ng voice per language; British English is the clearer of its two English voices.
VOICES = {"fi": "fi", "sv": "sv", "en": "en-gb"}
WORDS_PER_MINUTE = 140  # slower than espeak's 175: a lobby is noisy and not everyone is native
SYNTHESIS_TIMEOUT_SECONDS = 20
# The call-out as a native speaker says it. These are scripts tuned for the synthesizer (the
# letter is spelled with say-as, the number read as a whole), not screen texts, so they live here
# rather than in the Babel catalogues, whose translators never hear the result.
CALL_PHRASES = {
    "fi": "Vuoronumero {letter} {number}, tiski {counter}.",
    "sv": "Nummer {letter} {number}, disk {counter}.",
    "en": "Number {letter} {number}, counter {counter}.",
}
CHIME_FILE = "chime-v1.wav"
CHIME_RATE = 22050


class SpeechUnavailable(RuntimeError):
    """espeak-ng is missing or failed; the message says why and how to fix it."""


class InvalidSpeechRequest(ValueError):
    """A number, counter or language that the speech service refuses to speak."""


@dataclass(frozen=True)
class SpeechStatus:
    """Whether spoken call-outs work, and why not when they do not."""

    is_available: bool
    engine: str
    version: str | None
    reason: str | None
    languages: tuple[str, ...]


def spoken_number(number: str) -> tuple[str, int]:
    """Split a waiting number into its letter and its value: "A042" -> ("A", 42).

    :raises InvalidSpeechRequest: unless the number looks like a letter and 3-4 digits
    """
    if not isinstance(number, str) or not TICKET_NUMBER.fullmatch(number):
        raise InvalidSpeechRequest("number")
    return number[0], int(number[1:])


def call_ssml(number: str, counter: int, language: str) -> str:
    """The SSML espeak-ng speaks for a call: "Vuoronumero A 42, tiski 5." in Finnish.

    :param number: a waiting number such as A042
    :param counter: the counter's number
    :param language: fi, sv or en
    """
    letter, value = spoken_number(number)
    if language not in CALL_PHRASES:
        raise InvalidSpeechRequest("language")
    if isinstance(counter, bool) or not isinstance(counter, int) or not 1 <= counter <= 999:
        raise InvalidSpeechRequest("counter")
    letter_markup = f'<say-as interpret-as="characters">{letter}</say-as>'
    text = CALL_PHRASES[language].format(letter="\0", number=value, counter=counter)
    return "<speak>" + escape(text).replace("\0", letter_markup) + "</speak>"


def text_ssml(text: str, spelled_numbers: tuple[str, ...] = ()) -> str:
    """SSML for a plain server-side text, with every markup character escaped.

    :param spelled_numbers: waiting numbers in the text to speak as "A 42" rather than "A042"
    """
    markup = escape(text)
    for number in spelled_numbers:
        letter, value = spoken_number(number)
        spoken = f'<say-as interpret-as="characters">{letter}</say-as> {value}'
        markup = markup.replace(number, spoken)
    return f"<speak>{markup}</speak>"


def default_cache_directory(database: str) -> Path:
    """Where spoken files are kept: beside the database, or in the user's cache directory."""
    if database and database != ":memory:":
        return Path(database).resolve().parent / "speech-cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jono" / "speech-cache"


class SpeechService:
    """Makes and caches WAV files: the chime, call-outs and kiosk screen texts.

    Thread-safe: two requests for the same text wait for one synthesis instead of racing.
    """

    def __init__(self, cache_directory: str | os.PathLike, executable: str | None = None):
        self.cache_directory = Path(cache_directory)
        self.executable = executable
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._version: str | None = None

    def _executable_path(self) -> str | None:
        """The espeak-ng binary's path, or None when it is not installed."""
        return shutil.which(self.executable or ESPEAK_EXECUTABLE)

    def status(self) -> SpeechStatus:
        """Say whether espeak-ng can speak, with its version, or the reason it cannot."""
        engine = self.executable or ESPEAK_EXECUTABLE
        path = self._executable_path()
        if path is None:
            return SpeechStatus(
                False,
                engine,
                None,
                f"{engine} is not installed: install the Debian package espeak-ng"
                " (`make run` and `make test` do it); until then displays play the chime only",
                (),
            )
        try:
            if self._version is None:
                result = subprocess.run(
                    [path, "--version"], capture_output=True, text=True, timeout=10, check=True
                )
                self._version = result.stdout.strip().splitlines()[0] if result.stdout else ""
        except (OSError, subprocess.SubprocessError) as error:
            return SpeechStatus(False, engine, None, f"{engine} does not run: {error}", ())
        return SpeechStatus(True, engine, self._version, None, SPEECH_LANGUAGES)

    def call_audio(self, number: str, counter: int, language: str) -> Path:
        """The WAV file of a call-out, made on first use and then served from the cache.

        :raises InvalidSpeechRequest: for a malformed number, counter or language
        :raises SpeechUnavailable: when espeak-ng is missing or fails
        """
        return self.speak(call_ssml(number, counter, language), language)

    def speak(self, ssml: str, language: str) -> Path:
        """The WAV file of server-made SSML (see call_ssml and text_ssml) in a language."""
        if language not in VOICES:
            raise InvalidSpeechRequest("language")
        voice = VOICES[language]
        key = hashlib.sha256(f"{voice}|{WORDS_PER_MINUTE}|{ssml}".encode()).hexdigest()[:32]
        target = self.cache_directory / f"{language}-{key}.wav"
        if target.exists():
            return target
        with self._lock_for(target.name):
            if target.exists():  # another request made it while this one waited
                return target
            self._synthesize(ssml, voice, target)
        return target

    def chime(self) -> Path:
        """The chime played before each call: two soft tones, made once with the wave module."""
        target = self.cache_directory / CHIME_FILE
        if target.exists():
            return target
        with self._lock_for(CHIME_FILE):
            if not target.exists():
                self._write_atomically(target, write_chime)
        return target

    def _lock_for(self, name: str) -> threading.Lock:
        """One lock per cached file."""
        with self._locks_guard:
            return self._locks.setdefault(name, threading.Lock())

    def _synthesize(self, ssml: str, voice: str, target: Path) -> None:
        """Run espeak-ng (argument list, text on stdin) and move its WAV into the cache."""
        path = self._executable_path()
        if path is None:
            raise SpeechUnavailable(self.status().reason)

        def run(temporary: Path) -> None:
            command = [path, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-m"]
            command += ["-w", str(temporary), "--stdin"]
            try:
                subprocess.run(
                    command,
                    input=ssml.encode("utf-8"),
                    capture_output=True,
                    timeout=SYNTHESIS_TIMEOUT_SECONDS,
                    check=True,
                )
            except (OSError, subprocess.SubprocessError) as error:
                raise SpeechUnavailable(f"espeak-ng failed: {error}") from error
            with wave.open(str(temporary), "rb") as audio:
                if audio.getnframes() == 0:
                    raise SpeechUnavailable("espeak-ng produced no sound")

        self._write_atomically(target, run)

    def _write_atomically(self, target: Path, write) -> None:
        """Let `write` fill a temporary file, then rename it: readers never see half a file."""
        self.cache_directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.cache_directory, suffix=".part")
        os.close(handle)
        temporary = Path(name)
        try:
            write(temporary)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)


def write_chime(path: Path) -> None:
    """Write a two-tone chime (E5 then C5, each fading out) as 16-bit mono WAV."""
    samples = []
    for frequency in (659.25, 523.25):
        length = int(CHIME_RATE * 0.45)
        for index in range(length):
            seconds = index / CHIME_RATE
            envelope = min(1.0, index / 200) * math.exp(-5 * seconds)
            tone = math.sin(2 * math.pi * frequency * seconds)
            overtone = 0.3 * math.sin(4 * math.pi * frequency * seconds)
            samples.append(int(9000 * envelope * (tone + overtone)))
    samples.extend([0] * int(CHIME_RATE * 0.15))
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(CHIME_RATE)
        audio.writeframes(struct.pack(f"<{len(samples)}h", *samples))


_services: dict[Path, SpeechService] = {}
_services_guard = threading.Lock()


def speech_service_for(database: str) -> SpeechService:
    """The one SpeechService of a deployment, keyed by its cache directory."""
    directory = default_cache_directory(database)
    with _services_guard:
        return _services.setdefault(directory, SpeechService(directory))
