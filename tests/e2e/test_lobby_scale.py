"""A live `jono serve` with a lobby full of sockets: it keeps answering, holds its files, refuses
floods, foreign origins and one address's too many sockets."""

from __future__ import annotations

import time

import pytest
import requests
import socketio

from tests.e2e.conftest import LiveServer, running, urgent_ticket_body
from tests.e2e.listeners import ListenerGroups

CROWD = 500
CROWD_GROUPS = 4  # listener processes
ANSWER_TIMEOUT_SECONDS = 10  # "answers at all": a frozen server never answers


def connected_client(url: str, transport: str = "websocket", **options) -> socketio.Client:
    """A python-socketio client in Helsinki's room (raises if refused)."""
    client = socketio.Client(reconnection=False)
    client.connect(
        url,
        auth={"service_point": "helsinki"},
        transports=[transport],
        wait_timeout=ANSWER_TIMEOUT_SECONDS,
        **options,
    )
    return client


def test_five_hundred_open_sockets_leave_the_kiosks_and_counters_answering(jono_server):
    """Phones, displays and counters hold 500 sockets; a snapshot and a ticket still answer."""
    crowd = ListenerGroups(jono_server.url, "helsinki", CROWD, CROWD_GROUPS)
    try:
        snapshot = requests.get(
            f"{jono_server.url}/api/v1/service-points/helsinki/snapshot",
            timeout=ANSWER_TIMEOUT_SECONDS,
        )
        ticket = jono_server.pair(requests.Session(), "helsinki").post(
            f"{jono_server.url}/api/v1/service-points/helsinki/tickets",
            json=urgent_ticket_body(),
            timeout=ANSWER_TIMEOUT_SECONDS,
        )
        one_more = connected_client(jono_server.url)  # the 501st socket is no problem either
        one_more.disconnect()
    finally:
        crowd.close()
    assert snapshot.status_code == 200
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["number"]


def test_the_servers_open_files_stay_flat_under_many_socket_events_and_requests(jono_server):
    """300 snapshot requests on one socket, 300 HTTP requests and 50 sockets that come and go
    leave the server with as many open files as before: connections come from a bounded pool."""
    warm_up = connected_client(jono_server.url)
    warm_up.call("request_snapshot", {"service_point": "helsinki"}, timeout=10)
    requests.get(f"{jono_server.url}/api/v1/service-points/helsinki/snapshot", timeout=10)
    warm_up.disconnect()
    time.sleep(0.5)
    before = jono_server.open_files()

    client = connected_client(jono_server.url)
    answers = [
        client.call("request_snapshot", {"service_point": "helsinki"}, timeout=10)
        for _ in range(300)
    ]
    client.disconnect()
    with requests.Session() as http:
        statuses = {
            http.get(
                f"{jono_server.url}/api/v1/service-points/helsinki/snapshot", timeout=10
            ).status_code
            for _ in range(300)
        }
    for _ in range(50):
        connected_client(jono_server.url).disconnect()
    time.sleep(1)  # let the server close the sockets that went away

    assert any(answer["ok"] for answer in answers)
    assert statuses == {200}
    assert jono_server.open_files() <= before + 10, "the server keeps files open per event"


def test_a_socket_that_floods_snapshot_requests_is_slowed_down(jono_server):
    """A few full snapshots a second per socket; beyond that a clear refusal, then room again."""
    client = connected_client(jono_server.url)
    try:
        answers = [
            client.call("request_snapshot", {"service_point": "helsinki"}, timeout=10)
            for _ in range(40)
        ]
        time.sleep(1.5)
        later = client.call("request_snapshot", {"service_point": "helsinki"}, timeout=10)
    finally:
        client.disconnect()
    granted = [answer for answer in answers if answer["ok"]]
    refused = [answer for answer in answers if not answer["ok"]]
    assert 1 <= len(granted) <= 10
    assert refused and {answer["error"] for answer in refused} == {"too_many_requests"}
    assert later["ok"] is True


def test_a_page_of_another_origin_is_refused_and_the_deployments_own_origin_connects(
    jono_server,
):
    """Socket.IO checks the Origin a browser sends: the server's own host and public_base_url
    may connect, any other site may not. (Over HTTP long-polling, which sends exactly the one
    Origin header given; the WebSocket client library adds one of its own.)"""
    with pytest.raises(socketio.exceptions.ConnectionError):
        connected_client(jono_server.url, "polling", headers={"Origin": "http://attacker.example"})
    own = connected_client(jono_server.url, "polling", headers={"Origin": jono_server.url})
    own.disconnect()
    public = connected_client(
        jono_server.url, "polling", headers={"Origin": "http://127.0.0.1:8000"}
    )
    public.disconnect()  # config.toml's public_base_url


@pytest.fixture
def capped_server(tmp_path):
    """A `jono serve` that lets one address hold three sockets."""
    with running(LiveServer(tmp_path, deployment={"max_sockets_per_address": 3})) as server:
        yield server


def test_one_address_holds_at_most_its_share_of_sockets(capped_server):
    """The fourth socket from one address is refused until one of the three goes away."""
    first, second, third = (connected_client(capped_server.url) for _ in range(3))
    refused = socketio.Client(reconnection=False)
    reasons = []
    refused.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(
            capped_server.url,
            auth={"service_point": "helsinki"},
            transports=["websocket"],
            wait_timeout=ANSWER_TIMEOUT_SECONDS,
        )
    assert reasons == [{"message": "too_many_sockets"}]
    first.disconnect()
    deadline = time.monotonic() + 5
    while True:  # the server counts the closed socket out once it has seen it close
        try:
            fourth = connected_client(capped_server.url)
            break
        except socketio.exceptions.ConnectionError:
            assert time.monotonic() < deadline, "a closed socket still counts"
            time.sleep(0.1)
    for client in (second, third, fourth):
        client.disconnect()


@pytest.fixture
def proxied_server(tmp_path):
    """A `jono serve` behind one trusted reverse proxy, one socket per client address."""
    settings = {"trusted_proxies": 1, "max_sockets_per_address": 1}
    with running(LiveServer(tmp_path, deployment=settings)) as server:
        yield server


def test_behind_a_trusted_proxy_each_client_counts_by_its_forwarded_address(proxied_server):
    """With trusted_proxies = 1 the cap counts X-Forwarded-For (documentation-range addresses
    in a header: nothing is sent to them), so clients behind one proxy do not share a budget."""
    first = connected_client(proxied_server.url, headers={"X-Forwarded-For": "192.0.2.1"})
    second = connected_client(proxied_server.url, headers={"X-Forwarded-For": "192.0.2.2"})
    with pytest.raises(socketio.exceptions.ConnectionError):
        connected_client(proxied_server.url, headers={"X-Forwarded-For": "192.0.2.1"})
    for client in (first, second):
        client.disconnect()
