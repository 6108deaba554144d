"""Per-client rate limits: who a client is (its address, an IPv6 /64), also behind a proxy."""

from __future__ import annotations

import dataclasses

import pytest

from shared.app import create_app
from shared.appointments.reservation_keys import new_reservation_key
from shared.web.rate_limit import client_address_key

PIN_TRIES_PER_HOUR = 3
PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("192.0.2.2", "192.0.2.2"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),  # an IPv4 client of a dual-stack socket
        ("fe80::1%eth0", "fe80::/64"),
        (None, "unknown"),
        ("", "unknown"),
    ],
)
def test_client_address_key(address, counted_as):
    assert client_address_key(address) == counted_as


@pytest.fixture
def make_client(config, clock, db):
    """A test client of an app with few PIN tries per hour and `trusted_proxies` proxies in front;
    the apps' connections close after the test."""
    apps = []

    def make(trusted_proxies: int = 0):
        settings = dataclasses.replace(
            config,
            deployment=dataclasses.replace(config.deployment, trusted_proxies=trusted_proxies),
            appointments=dataclasses.replace(
                config.appointments, pin_attempts_per_client_per_hour=PIN_TRIES_PER_HOUR
            ),
        )
        application = create_app(settings, clock=clock, testing=True)
        apps.append(application)
        return application.test_client()

    yield make
    for application in apps:
        application.extensions["jono"].connections.close_all()


def try_pin(client, address: str, forwarded_for: str | None = None) -> str:
    """One key + PIN try from `address` (through a proxy when `forwarded_for` is given); a new
    unknown key each time, so only the client's limit can refuse it. Returns the error code."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(
        "/api/v1/appointments/lookup",
        json={"reservation_key": new_reservation_key(), "pin": "123456"},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )
    return response.json["error"]["code"]


def use_up(client, address: str, forwarded_for: str | None = None) -> None:
    """Spend the client's hourly PIN tries."""
    for _ in range(PIN_TRIES_PER_HOUR):
        assert try_pin(client, address, forwarded_for) == "wrong_key_or_pin"


def test_two_addresses_in_one_ipv6_64_share_a_budget(make_client):
    client = make_client()
    use_up(client, "2001:db8:1:2::1")
    assert try_pin(client, "2001:db8:1:2:ffff:ffff:ffff:ffff") == "too_many_requests"
    assert try_pin(client, "2001:db8:1:3::1") == "wrong_key_or_pin"  # the next /64


def test_ipv4_addresses_have_a_budget_each(make_client):
    client = make_client()
    use_up(client, "192.0.2.1")
    assert try_pin(client, "192.0.2.1") == "too_many_requests"
    assert try_pin(client, "192.0.2.2") == "wrong_key_or_pin"


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(make_client):
    client = make_client(trusted_proxies=1)
    use_up(client, PROXY, forwarded_for="198.51.100.7")
    assert try_pin(client, PROXY, forwarded_for="198.51.100.7") == "too_many_requests"
    # another client behind the same proxy has a budget of its own
    assert try_pin(client, PROXY, forwarded_for="198.51.100.8") == "wrong_key_or_pin"
    # the first client is still the first client through another proxy address
    assert try_pin(client, "10.0.0.2", forwarded_for="198.51.100.7") == "too_many_requests"


def test_behind_a_trusted_proxy_ipv6_clients_are_counted_by_64(make_client):
    client = make_client(trusted_proxies=1)
    use_up(client, PROXY, forwarded_for="2001:db8:7:7::1")
    assert try_pin(client, PROXY, forwarded_for="2001:db8:7:7::2") == "too_many_requests"
    assert try_pin(client, PROXY, forwarded_for="2001:db8:7:8::1") == "wrong_key_or_pin"


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(make_client):
    """Else anyone could send a new X-Forwarded-For with every try."""
    client = make_client(trusted_proxies=0)
    use_up(client, PROXY, forwarded_for="198.51.100.7")
    assert try_pin(client, PROXY, forwarded_for="198.51.100.8") == "too_many_requests"
