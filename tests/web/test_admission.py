"""At most a few HTTP requests run the app at once; the others wait and all get their answer."""

from __future__ import annotations

import threading
import time

from shared.web.admission import AdmissionLimit


def test_no_more_than_the_limit_run_at_once_and_every_request_is_answered():
    inside, most, lock = 0, 0, threading.Lock()

    def app(environ, start_response):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.01)  # a request's work, long enough for the others to pile up
        with lock:
            inside -= 1
        start_response("200 OK", [])
        return [environ["PATH_INFO"].encode()]

    limited = AdmissionLimit(app, limit=3)
    answers = {}

    def request(number):
        answers[number] = b"".join(limited({"PATH_INFO": f"/{number}"}, lambda *_: None))

    threads = [threading.Thread(target=request, args=(number,)) for number in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 3
    assert answers == {number: f"/{number}".encode() for number in range(30)}


def test_a_failing_request_gives_its_place_back():
    def app(environ, start_response):
        raise RuntimeError("boom")

    limited = AdmissionLimit(app, limit=1)
    try:
        limited({}, lambda *_: None)
    except RuntimeError:
        pass
    assert limited._slots.acquire(timeout=1), "the failed request kept its place"


def test_socket_io_traffic_is_not_limited(app):
    """Socket.IO's middleware comes first: an open WebSocket must never hold a request's place."""
    from engineio.middleware import WSGIApp

    assert isinstance(app.wsgi_app, WSGIApp)
    assert isinstance(app.wsgi_app.wsgi_app, AdmissionLimit)


def test_a_route_with_its_own_limit_passes_while_every_place_is_taken():
    release = threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            release.wait(5)
        start_response("200 OK", [])
        return [environ["PATH_INFO"].encode()]

    limited = AdmissionLimit(app, limit=1, own_limit_prefixes=("/own/",))
    holder = threading.Thread(target=lambda: limited({"PATH_INFO": "/slow"}, lambda *_: None))
    holder.start()
    while limited._slots.acquire(blocking=False):  # until the slow request holds the one place
        limited._slots.release()
    try:
        assert limited({"PATH_INFO": "/own/speech"}, lambda *_: None) == [b"/own/speech"]
    finally:
        release.set()
        holder.join()
