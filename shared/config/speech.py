"""The [speech] table: how much disk the cache of spoken call-outs and kiosk texts may take.

Each text is spoken once with espeak-ng and kept as a WAV file beside the database
(`shared.speech.engine`); past this size the files played least recently are removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.config.reader import ConfigReader

# A call-out is about 150 kB and a kiosk ticket screen about 800 kB: 200 MB keeps a busy day's
# call-outs of several service points (some 1 300 files) without removing any.
DEFAULT_CACHE_MEGABYTES = 200
BYTES_PER_MEGABYTE = 1_000_000


@dataclass(frozen=True)
class SpeechSettings:
    """How spoken audio is kept.

    :param cache_megabytes: the most disk the speech cache may take, in megabytes (10^6 bytes)
    """

    cache_megabytes: int = DEFAULT_CACHE_MEGABYTES

    @property
    def cache_bytes(self) -> int:
        """The cache's cap in bytes."""
        return self.cache_megabytes * BYTES_PER_MEGABYTE


def parse_speech(reader: ConfigReader, table: dict) -> SpeechSettings:
    """Read the [speech] table (every key optional)."""
    reader.only_keys(table, "speech", {"cache_megabytes"})
    megabytes = reader.get(table, "speech.cache_megabytes", int, DEFAULT_CACHE_MEGABYTES)
    if megabytes < 1:
        reader.fail("speech.cache_megabytes", "must be at least 1")
    return SpeechSettings(cache_megabytes=megabytes)
