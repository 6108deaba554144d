"""Pairing a kiosk screen: the one-time address `jono kiosks add` prints, opened on the kiosk.

Opening the address shows what it pairs and a button: the pairing happens on the post, so a
link preview or a prefetching browser cannot use the code up. The post trades the code for the
device cookie and opens the kiosk.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from shared.accounts.kiosks import kiosk_waiting_for, pair_kiosk
from shared.errors import NotFound
from shared.web.context import get_db, jono
from shared.web.kiosk_auth import set_device_cookie

pages = Blueprint("kiosk_pairing", __name__, template_folder="templates")


@pages.get("/kiosk/pair/<code>")
def show_pairing(code: str):
    """What this pairing address would pair, with the button that does it (404 when unusable)."""
    kiosk = kiosk_waiting_for(get_db(), code, jono().clock.now())
    if kiosk is None:
        return render_template("kiosk/pairing.html", kiosk=None, code=code), 404
    point = jono().config.service_point(kiosk.service_point)
    return render_template("kiosk/pairing.html", kiosk=kiosk, service_point=point, code=code)


@pages.post("/kiosk/pair/<code>")
def pair(code: str):
    """Pair this browser: set its device cookie and open its service point's kiosk."""
    try:
        kiosk, device_cookie = pair_kiosk(get_db(), code, jono().clock.now())
    except NotFound:
        return render_template("kiosk/pairing.html", kiosk=None, code=code), 404
    response = redirect(url_for("kiosk.kiosk", service_point_id=kiosk.service_point))
    set_device_cookie(response, device_cookie)
    return response
