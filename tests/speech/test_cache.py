"""The speech cache: a size cap, the files played least recently removed first, the setting."""

from __future__ import annotations

import tomllib

import pytest

from shared.config import ConfigError, load_config, parse_config
from shared.config.speech import DEFAULT_CACHE_MEGABYTES, SpeechSettings
from shared.speech.engine import CHIME_FILE, SpeechService, call_ssml
from tests.conftest import PROJECT_ROOT

CAP_BYTES = 500_000  # about three call-outs of some 150 kB each


def call_file(service: SpeechService, number: str) -> str:
    """The cache file name of a Finnish call-out to counter 1 (made or not)."""
    return service.cache_path(call_ssml(number, 1, "fi"), "fi").name


def cached_names(service: SpeechService) -> set[str]:
    """The spoken files in the cache directory."""
    return {path.name for path in service.cache_directory.glob("*.wav")} - {CHIME_FILE}


def test_the_cache_stays_under_its_cap_after_many_different_texts(tmp_path):
    service = SpeechService(tmp_path / "speech-cache", max_cache_bytes=CAP_BYTES)
    chime = service.chime()
    numbers = [f"A{value:03d}" for value in range(1, 16)]
    for number in numbers:
        made = service.call_audio(number, 1, "fi")
        assert made.exists()  # the file just made is never the one removed
        assert service.cache_bytes() <= CAP_BYTES
    assert service.synthesis_runs == len(numbers)
    assert 1 <= len(cached_names(service)) <= 4
    assert call_file(service, numbers[-1]) in cached_names(service)
    assert call_file(service, numbers[0]) not in cached_names(service)
    assert chime.exists()  # the chime is not a spoken text and is never evicted


def test_the_file_played_least_recently_goes_first(tmp_path):
    service = SpeechService(tmp_path / "speech-cache")
    for number in ("A001", "A002", "A003"):
        service.call_audio(number, 1, "fi")
    service.max_cache_bytes = service.cache_bytes()  # full with these three
    assert service.cached(call_ssml("A001", 1, "fi"), "fi") is not None  # A001 is played again
    service.call_audio("A004", 1, "fi")
    names = cached_names(service)
    assert call_file(service, "A002") not in names  # made before A001 was played again
    assert {call_file(service, "A001"), call_file(service, "A004")} <= names
    assert service.cache_bytes() <= service.max_cache_bytes
    assert service.synthesis_runs == 4


def test_a_cache_hit_runs_no_synthesis(tmp_path):
    service = SpeechService(tmp_path / "speech-cache")
    first = service.call_audio("B007", 2, "sv")
    assert service.call_audio("B007", 2, "sv") == first
    assert service.cached(call_ssml("B007", 2, "sv"), "sv") == first
    assert service.cached(call_ssml("B008", 2, "sv"), "sv") is None
    assert service.synthesis_runs == 1


def test_the_cap_is_a_setting_with_a_default():
    assert load_config(PROJECT_ROOT / "config.toml").speech.cache_megabytes == 200
    raw = {key: value for key, value in _demo_raw().items() if key != "speech"}
    assert parse_config(raw).speech == SpeechSettings(DEFAULT_CACHE_MEGABYTES)
    raw["speech"] = {"cache_megabytes": 5}
    assert parse_config(raw).speech.cache_bytes == 5_000_000


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"cache_megabytes": 0}, "speech.cache_megabytes"),
        ({"cache_megabytes": "200"}, "speech.cache_megabytes"),
        ({"cache_mb": 200}, "speech.cache_mb"),
    ],
)
def test_a_bad_speech_setting_stops_start_up_with_its_name(table, key):
    raw = _demo_raw()
    raw["speech"] = table
    with pytest.raises(ConfigError) as raised:
        parse_config(raw, source="config.toml")
    assert f"config.toml: {key}: " in str(raised.value)


def _demo_raw() -> dict:
    """The demo config.toml as a plain dict."""
    return tomllib.loads((PROJECT_ROOT / "config.toml").read_text(encoding="utf-8"))
