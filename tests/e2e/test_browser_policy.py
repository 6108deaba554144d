"""The Content-Security-Policy in a real browser: no page breaks a rule of its own policy."""

from __future__ import annotations

from tests.e2e.pages import chromium, pair_screen

PAGES = ["/kiosk/helsinki", "/kiosk/helsinki?lang=sv", "/counter", "/display/helsinki"]
SETTLE_MILLISECONDS = 1000


def test_kiosk_counter_and_display_raise_no_policy_violations(live_server, pairing_address):
    violations: list[str] = []
    with chromium() as browser:
        context = browser.new_context()
        pairing = context.new_page()
        pair_screen(pairing, pairing_address("helsinki"))
        pairing.close()
        for path in PAGES:
            page = context.new_page()
            page.on(
                "console",
                lambda message, path=path: (
                    violations.append(f"{path}: {message.text}")
                    if "Content Security Policy" in message.text
                    or "Content-Security-Policy" in message.text
                    else None
                ),
            )
            page.add_init_script(
                "document.addEventListener('securitypolicyviolation', (event) =>"
                " console.error('Content Security Policy: ' + event.violatedDirective"
                " + ' ' + event.blockedURI));"
            )
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_timeout(SETTLE_MILLISECONDS)  # scripts run, the socket connects
            page.close()
        context.close()
    assert violations == []
