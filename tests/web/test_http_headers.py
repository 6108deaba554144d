"""Security headers on every response, session cookie flags, and pages the policy lets run."""

from __future__ import annotations

import re

import pytest

from shared.web.context import PROJECT_ROOT
from shared.web.http_headers import content_security_policy
from tests.conftest import log_in

PAGES = ["/", "/kiosk/helsinki", "/display/helsinki", "/counter"]
OTHER_RESPONSES = [
    "/api/v1/service-points",
    "/api/v1/service-points/helsinki/snapshot",
    "/api/v1/service-points/nowhere/snapshot",  # a 404 in the error shape
    "/api/v1/openapi.json",
    "/static/jono.css",
    "/no-such-page",
]
TEMPLATE_FOLDERS = ["shared/web", "kiosk", "counter", "display", "booking"]


def policy_of(response) -> dict[str, str]:
    """The Content-Security-Policy of a response as {directive: sources}."""
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("path", PAGES + OTHER_RESPONSES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file answers with an open file
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = policy_of(response)
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("path", PAGES)
def test_pages_allow_only_their_own_origin(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert policy_of(response) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "media-src": "'self'",
        "font-src": "'self'",
        "connect-src": "'self' ws://localhost wss://localhost",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def test_the_live_socket_may_connect_back_to_the_host_the_page_came_from(client):
    response = client.get("/display/helsinki", headers={"Host": "jono.example:8443"})
    assert policy_of(response)["connect-src"] == (
        "'self' ws://jono.example:8443 wss://jono.example:8443"
    )


def test_a_forged_host_cannot_add_directives():
    policy = content_security_policy("evil; script-src *")
    assert "script-src *" not in policy
    assert "connect-src 'self';" in policy


def test_the_session_cookie_is_http_only_and_same_site(make_clerk):
    clerk = make_clerk()
    response = clerk.get("/api/v1/counter")
    assert response.status_code == 200
    login = log_in(clerk, "clerk1")
    cookie = login.headers["Set-Cookie"]
    assert cookie.startswith("jono_session=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert re.search(r"(?i)samesite=(lax|strict)", cookie), cookie


def templates() -> list:
    """Every Jinja template of every part, including parts added later."""
    found = []
    for folder in TEMPLATE_FOLDERS:
        found.extend(sorted((PROJECT_ROOT / folder).glob("templates/**/*.html")))
    return found


def test_templates_have_no_script_or_style_the_policy_would_block():
    """Inline scripts, event handler attributes, javascript: links and inline styles would all
    be blocked by the policy above; data blocks (`type="application/json"`) are never run."""
    assert len(templates()) >= 4
    for template in templates():
        text = template.read_text(encoding="utf-8")
        for tag in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I):
            attributes, body = tag.groups()
            if re.search(r"""type=["']application/(ld\+)?json["']""", attributes):
                continue
            assert "src=" in attributes and not body.strip(), (template, tag.group(0)[:80])
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text, re.I), template
        assert "javascript:" not in text.lower(), template
        assert not re.search(r"<style\b|\sstyle\s*=", text, re.I), template
