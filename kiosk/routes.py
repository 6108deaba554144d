"""Kiosk pages: one touchscreen page per service point, in the language the person picks."""

from __future__ import annotations

from babel.dates import get_month_names
from flask import Blueprint, abort, render_template, request

from shared.appointments.reservation_keys import KEY_ALPHABET
from shared.config.reader import LANGUAGES
from shared.web.context import jono
from shared.web.i18n import current_language
from shared.web.kiosk_auth import current_kiosk
from shared.web.qr import qr_svg

pages = Blueprint(
    "kiosk",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets/kiosk",
)
YEARS_IN_PICKER = 3


@pages.get("/kiosk/<service_point_id>")
def kiosk(service_point_id: str):
    """The kiosk of one service point; ?lang=fi|sv|en starts in that language, else the choice.

    A browser that is not a kiosk of this point gets a page saying so and how to pair it.
    """
    state = jono()
    service_point = state.config.service_point(service_point_id)
    if service_point is None:
        abort(404)
    language = current_language()
    kiosk = current_kiosk(service_point_id)
    if kiosk is None or kiosk.service_point != service_point_id:
        return render_template("kiosk/not_paired.html", service_point=service_point), 403
    today = state.clock.now().astimezone(service_point.zone).date()
    booking_url = f"{state.config.public_base_url}/booking?lang={language}"
    months = get_month_names("wide", context="stand-alone", locale=language)
    return render_template(
        "kiosk/kiosk.html",
        service_point=service_point,
        rules=state.config.rules,
        has_chosen_language=request.args.get("lang") in LANGUAGES,
        month_names=[months[number] for number in range(1, 13)],
        years=[today.year + offset for offset in range(YEARS_IN_PICKER)],
        booking_url=booking_url,
        booking_qr=qr_svg(booking_url),
        turn_near_sms=state.config.notifications.enabled and state.config.notifications.sms_enabled,
        queue_names={queue.id: queue.name.get(language) for queue in state.config.queues},
        key_alphabet=sorted(KEY_ALPHABET, key=lambda character: (character.isdigit(), character)),
    )
