"""Spoken call-outs, generated offline with espeak-ng and cached on disk as WAV files.

The lobby display plays a chime, then "Number A 42, counter 5" in each configured language; the
kiosk reads its screens aloud with the same service. Text reaches espeak-ng only from the server
(validated numbers, translated catalogue texts), on stdin and as SSML with every character
escaped, through an argument list: never through a shell, never as client-supplied text. What may
be spoken at all is a closed set (`shared.speech.speakable`); the cache keeps to a size cap by
removing the files least recently played.
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
import time
import wave
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from shared.config.speech import SpeechSettings

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


# Runs a piece of the cache's disk work: ``run(function, *args)`` (the web layer's `off_the_loop`).
FileWork = Callable[..., None]


class SpeechService:
    """Makes and caches WAV files: the chime, call-outs and kiosk screen texts.

    Thread-safe: two requests for the same text wait for one synthesis instead of racing. The
    cache keeps under `max_cache_bytes`: after each new file the files played least recently go
    first (each play marks its file's access time, whatever the disk's atime setting).

    :param max_cache_bytes: the cap of the cache directory's spoken files (the chime not counted)
    """

    def __init__(
        self,
        cache_directory: str | os.PathLike,
        executable: str | None = None,
        max_cache_bytes: int = SpeechSettings().cache_bytes,
    ):
        self.cache_directory = Path(cache_directory)
        self.executable = executable
        self.max_cache_bytes = max_cache_bytes
        self.synthesis_runs = 0  # espeak-ng runs of this service: the cache's misses
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

    def speak(
        self,
        ssml: str,
        language: str,
        place: Callable[[], AbstractContextManager] = nullcontext,
        run_file_work: FileWork | None = None,
    ) -> Path:
        """The WAV file of server-made SSML (see call_ssml and text_ssml) in a language: from the
        cache when it is there, else made inside `place()`.

        :param place: entered around a synthesis only, never for a file already cached (the web
            layer passes its `SlowWorkLimit.place`, which refuses with 503 ``busy`` when full)
        :param run_file_work: see `make`
        :raises InvalidSpeechRequest: for a language without a voice
        :raises SpeechUnavailable: when espeak-ng is missing or fails
        """
        cached = self.cached(ssml, language)
        if cached is not None:
            return cached
        with place():
            return self.make(ssml, language, run_file_work)

    def cache_path(self, ssml: str, language: str) -> Path:
        """Where the WAV file of this SSML in this language is kept (made or not)."""
        if language not in VOICES:
            raise InvalidSpeechRequest("language")
        voice = VOICES[language]
        key = hashlib.sha256(f"{voice}|{WORDS_PER_MINUTE}|{ssml}".encode()).hexdigest()[:32]
        return self.cache_directory / f"{language}-{key}.wav"

    def cached(self, ssml: str, language: str) -> Path | None:
        """The cached WAV file of this SSML, marked as just played; None when not made yet."""
        target = self.cache_path(ssml, language)
        return target if _mark_played(target) else None

    def make(self, ssml: str, language: str, run_file_work: FileWork | None = None) -> Path:
        """Synthesise the WAV file of this SSML unless another request has just made it, then
        keep the cache under its cap.

        espeak-ng runs as a child process that the caller waits for (under gevent without
        holding up the event loop: gevent's subprocess cannot run in a native thread, its child
        watchers live on the main loop only).

        :param run_file_work: runs the in-process disk work, checking and storing the file and
            evicting old ones: ``run_file_work(function, *args)``; the web layer passes
            `off_the_loop`; None runs it right here
        :raises SpeechUnavailable: when espeak-ng is missing or fails
        """
        target = self.cache_path(ssml, language)
        run = run_file_work or _run_here
        try:
            with self._lock_for(target.name):
                if _mark_played(target):  # another request made it while this one waited
                    return target
                temporary = self._run_espeak(ssml, VOICES[language])
                run(self._store, temporary, target)
        finally:
            # Later requests find the file, not the lock: the locks stay as few as the files
            # being made, instead of one for every text ever spoken.
            with self._locks_guard:
                self._locks.pop(target.name, None)
        return target

    def cache_bytes(self) -> int:
        """How many bytes the cached spoken files take (the chime not counted)."""
        return sum(size for _, size, _ in self._spoken_files())

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
        """One lock per file being made."""
        with self._locks_guard:
            return self._locks.setdefault(name, threading.Lock())

    def _run_espeak(self, ssml: str, voice: str) -> Path:
        """Run espeak-ng (argument list, text on stdin) into a temporary file of the cache."""
        path = self._executable_path()
        if path is None:
            raise SpeechUnavailable(self.status().reason)
        self.cache_directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.cache_directory, suffix=".part")
        os.close(handle)
        temporary = Path(name)
        command = [path, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-m"]
        command += ["-w", str(temporary), "--stdin"]
        with self._locks_guard:
            self.synthesis_runs += 1
        try:
            subprocess.run(
                command,
                input=ssml.encode("utf-8"),
                capture_output=True,
                timeout=SYNTHESIS_TIMEOUT_SECONDS,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as error:
            temporary.unlink(missing_ok=True)
            raise SpeechUnavailable(f"espeak-ng failed: {error}") from error
        return temporary

    def _store(self, temporary: Path, target: Path) -> None:
        """Check espeak-ng's WAV, move it into place, then evict beyond the cap."""
        try:
            try:
                with wave.open(str(temporary), "rb") as audio:
                    frames = audio.getnframes()
            except (EOFError, wave.Error) as error:
                raise SpeechUnavailable(f"espeak-ng wrote no valid WAV: {error}") from error
            if frames == 0:
                raise SpeechUnavailable("espeak-ng produced no sound")
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        self._evict(keep=target)

    def _spoken_files(self) -> list[tuple[int, int, str]]:
        """(last played, size, path) of each cached spoken file."""
        files = []
        try:
            entries = list(os.scandir(self.cache_directory))
        except FileNotFoundError:
            return []
        for entry in entries:
            if not entry.name.endswith(".wav") or entry.name == CHIME_FILE:
                continue
            try:
                facts = entry.stat()
            except FileNotFoundError:  # evicted meanwhile by another request or process
                continue
            files.append((facts.st_atime_ns, facts.st_size, entry.path))
        return files

    def _evict(self, keep: Path) -> None:
        """Remove the files played least recently until the cache fits its cap; never `keep`,
        the file a request is about to send. Several processes may share the directory, so the
        directory itself is counted each time, not a total kept in memory."""
        files = self._spoken_files()
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_cache_bytes:
                break
            if path == str(keep):
                continue
            Path(path).unlink(missing_ok=True)
            total -= size

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


def _run_here(work: Callable[..., None], *args) -> None:
    """Run file work in the calling thread (outside the gevent server)."""
    work(*args)


def _mark_played(path: Path) -> bool:
    """Set a cached file's access time to now, so eviction sees it as just played; False when
    the file is not there. Set explicitly: disks mounted noatime or relatime would not."""
    try:
        made = path.stat().st_mtime_ns
        os.utime(path, ns=(time.time_ns(), made))
    except FileNotFoundError:
        return False
    return True


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


_services: dict[tuple[Path, int], SpeechService] = {}
_services_guard = threading.Lock()


def speech_service_for(
    database: str, max_cache_bytes: int = SpeechSettings().cache_bytes
) -> SpeechService:
    """The one SpeechService of a deployment, keyed by its cache directory and cap.

    :param max_cache_bytes: the cache's cap (the config's `speech.cache_megabytes`)
    """
    directory = default_cache_directory(database)
    with _services_guard:
        key = (directory, max_cache_bytes)
        if key not in _services:
            _services[key] = SpeechService(directory, max_cache_bytes=max_cache_bytes)
        return _services[key]
