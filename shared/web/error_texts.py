"""Error codes and the message each one shows, translated at the edge through Babel."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext, ngettext


def _wrong_credentials(params: dict) -> str:
    """A wrong login, with the tries left before logging in is locked when they are known."""
    tries = params.get("tries_left")
    if not isinstance(tries, int):
        return gettext("Wrong user name or password.")
    return ngettext(
        "Wrong user name or password. %(num)d more try before logging in is locked.",
        "Wrong user name or password. %(num)d more tries before logging in is locked.",
        tries,
    )


WRONG_KEY_OR_PIN = lazy_gettext(
    "No appointment was found with this reservation key and PIN code. Please check them."
)


def _wrong_key_or_pin(params: dict) -> str:
    """A refused reservation key and PIN: with the tries left before the key locks, or that this
    try locked it and for how long, when they are known."""
    message = str(WRONG_KEY_OR_PIN)
    tries = params.get("tries_left")
    if not isinstance(tries, int):
        return message
    if params.get("locked_until") is not None:
        lock = ngettext(
            "The reservation key is now locked for %(num)d minute.",
            "The reservation key is now locked for %(num)d minutes.",
            params.get("minutes", 0),
        )
    else:
        lock = ngettext(
            "You have %(num)d try left before the reservation key is locked.",
            "You have %(num)d tries left before the reservation key is locked.",
            tries,
        )
    return f"{message} {lock}"


# A message is a lazy string filled with the error's values, or a function of them (plurals).
ERROR_MESSAGES = {
    "invalid_json": lazy_gettext("The request body is not valid JSON."),
    "invalid_request": lazy_gettext("Some fields are missing or have the wrong type."),
    "not_found": lazy_gettext("There is no such page or resource."),
    "method_not_allowed": lazy_gettext("This action is not allowed here."),
    "unknown_service_point": lazy_gettext("There is no service point called %(service_point)s."),
    "unknown_queue": lazy_gettext("There is no queue called %(queue)s."),
    "unknown_counter": lazy_gettext("There is no counter %(counter)s at this service point."),
    "unknown_ticket": lazy_gettext("That waiting number was not found."),
    "party_too_large": lazy_gettext(
        "One waiting number is for at most %(limit)s persons. Larger groups take more numbers."
    ),
    "invalid_party_size": lazy_gettext("The number of persons must be at least 1."),
    "unknown_matter": lazy_gettext("Please choose what you came for."),
    "missing_answer": lazy_gettext("Please answer every question first."),
    "invalid_expiry": lazy_gettext("Please choose a valid month and year."),
    "not_a_ticket_outcome": lazy_gettext(
        "Your matter does not need a waiting number. Please see the instructions on the screen."
    ),
    "not_issuing": lazy_gettext(
        "Waiting numbers are not being given out now."
        " Please come back when the service point is open."
    ),
    "number_conflict": lazy_gettext("Please try again."),
    "queue_empty": lazy_gettext("Nobody is waiting in your queues."),
    "illegal_transition": lazy_gettext("Number %(number)s cannot be handled that way now."),
    "ticket_at_other_counter": lazy_gettext(
        "Number %(number)s is being handled at counter %(counter)s."
    ),
    "counter_busy": lazy_gettext("Finish number %(number)s or return it to the queue first."),
    "counter_taken": lazy_gettext("Counter %(counter)s is already in use by %(clerk)s."),
    "no_printer": lazy_gettext("This service point's kiosk has no printer."),
    "reprint_not_waiting": lazy_gettext(
        "Number %(number)s is no longer waiting: it is not printed again."
    ),
    "no_counter": lazy_gettext("Choose your service point and counter first."),
    "login_required": lazy_gettext("Please log in first."),
    "wrong_credentials": _wrong_credentials,
    "login_locked": lazy_gettext(
        "Too many wrong passwords for this user name. Logging in is locked until %(until)s."
    ),
    "address_locked": lazy_gettext(
        "Too many wrong passwords from this network. Logging in from here is locked until"
        " %(until)s."
    ),
    "account_disabled": lazy_gettext("This account is disabled. Please ask an administrator."),
    "unknown_user": lazy_gettext("There is no user called %(username)s."),
    "service_points_required": lazy_gettext("Please give the service points the user may work at."),
    "unknown_service_points": lazy_gettext(
        "There is no service point %(service_points)s. The service points are: %(known)s."
    ),
    "service_point_not_allowed": lazy_gettext(
        "Your account may not work at the service point %(service_point)s."
    ),
    "admin_only": lazy_gettext("Only an administrator may do this."),
    "counter_not_in_use": lazy_gettext("Nobody is at counter %(counter)s."),
    "foreign_origin": lazy_gettext("A request from another site was refused."),
    "csrf_token_required": lazy_gettext(
        "The request lacked the page's security token. Please reload the page and try again."
    ),
    "invalid_username": lazy_gettext("A user name has 2 to 40 letters, digits, dots or dashes."),
    "invalid_role": lazy_gettext("The role must be clerk or admin."),
    "password_too_short": lazy_gettext("The password must have at least %(minimum)s characters."),
    "username_taken": lazy_gettext("The user name %(username)s is already taken."),
    "kiosk_not_paired": lazy_gettext(
        "This screen is not a paired kiosk. Ask an administrator to pair it."
    ),
    "kiosk_of_another_point": lazy_gettext("This kiosk belongs to another service point."),
    "kiosk_too_fast": lazy_gettext(
        "This kiosk has given out many numbers just now. Please wait %(retry_after_seconds)s"
        " seconds and try again."
    ),
    "unknown_kiosk": lazy_gettext("There is no kiosk %(kiosk)s."),
    "unknown_pairing": lazy_gettext(
        "This pairing address is not valid: it was used already, has expired or was revoked."
    ),
    "invalid_kiosk_name": lazy_gettext("A kiosk's name has 1 to 60 characters."),
    "offer_invalid": lazy_gettext("This appointment offer is not valid here. Please start again."),
    "offer_expired": lazy_gettext("This appointment offer has expired. Please start again."),
    "offer_taken": lazy_gettext("This appointment offer was already taken."),
    "phone_country_not_served": lazy_gettext(
        "Text messages go only to numbers starting with %(country_codes)s."
    ),
    "phone_changes_used": lazy_gettext(
        "The phone number of this waiting number cannot be changed again."
    ),
    "busy": lazy_gettext("The server is busy right now. Please try again in a moment."),
    "speech_unavailable": lazy_gettext(
        "Spoken announcements are not available right now. The chime still plays."
    ),
    "number_not_issued_today": lazy_gettext(
        "Number %(number)s has not been given out at this service point today."
    ),
    "unknown_category": lazy_gettext("Please choose what your appointment is for."),
    "unknown_city": lazy_gettext("There is no service point in %(city)s."),
    "party_too_large_for_appointment": lazy_gettext(
        "One appointment is for at most %(limit)s persons."
        " If there are more of you, please book more appointments."
    ),
    "slot_not_offered": lazy_gettext("Appointments are not given at that time."),
    "slot_taken": lazy_gettext("Someone else just took that time. Please choose another time."),
    "hold_expired": lazy_gettext(
        "The time you chose was kept for you for a few minutes only. Please choose a time again."
    ),
    "hold_mismatch": lazy_gettext(
        "The new time must be for the same matter and the same number of persons."
    ),
    "invalid_email": lazy_gettext("Please check the e-mail address."),
    "invalid_phone": lazy_gettext("Please check the phone number, for example +358 40 123 4567."),
    "contact_required": lazy_gettext("Please give an e-mail address or a phone number, or both."),
    "too_many_appointments": lazy_gettext(
        "This e-mail address or phone number already has %(limit)s future appointments."
    ),
    "wrong_key_or_pin": _wrong_key_or_pin,
    "key_locked": lazy_gettext("Too many wrong tries. Please try again in %(minutes)s minutes."),
    "appointment_not_changeable": lazy_gettext(
        "This appointment can no longer be changed or cancelled."
    ),
    "too_many_requests": lazy_gettext("Too many tries. Please wait a while and try again."),
    "sms_not_available": lazy_gettext("Text messages are not in use here."),
    "ticket_not_waiting": lazy_gettext("This number is no longer waiting in the queue."),
    "unknown_reservation_key": lazy_gettext(
        "No appointment was found with this reservation key. Please check the key on your"
        " confirmation and try again."
    ),
    "appointment_elsewhere": lazy_gettext(
        "Your appointment is at another service point: %(service_point)s."
    ),
    "appointment_cancelled": lazy_gettext("This appointment has been cancelled."),
    "not_an_urgent_walk_in": lazy_gettext(
        "An appointment can be booked here only for an urgent matter. Please book online."
    ),
    "csrf_failed": lazy_gettext("The form had expired. Please reload the page and try again."),
    "server_error": lazy_gettext(
        "Something went wrong on our side. Nothing was saved; please try again."
    ),
    # Why a message was not delivered (shared.notifications.delivery_failures), for the clerk.
    "delivery_email_address_refused": lazy_gettext("The e-mail address was refused."),
    "delivery_mail_server_unreachable": lazy_gettext("The mail server could not be reached."),
    "delivery_mail_server_refused": lazy_gettext("The mail server did not take the message."),
    "delivery_phone_number_refused": lazy_gettext("The text message service refused the number."),
    "delivery_sms_service_unreachable": lazy_gettext(
        "The text message service could not be reached."
    ),
    "delivery_sms_service_refused": lazy_gettext(
        "The text message service did not take the message."
    ),
    "delivery_other": lazy_gettext("The message could not be delivered."),
}


def error_message(code: str, params: dict | None = None) -> str:
    """The message for an error code in the current language, with its values filled in."""
    template = ERROR_MESSAGES.get(code)
    if template is None:
        return gettext("The request could not be completed.")
    if callable(template):
        return template(params or {})
    try:
        return str(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        return str(template)


# The manager pages' refusals (manage.access, manage.people_api).
ERROR_MESSAGES.update(
    {
        "manager_only": lazy_gettext(
            "Only the managers of a service point and administrators may do this."
        ),
        "account_not_managed": lazy_gettext(
            "You may not change the account %(username)s: it is not one of your service points'"
            " clerks. Ask an administrator."
        ),
        "own_account": lazy_gettext("You cannot change your own account here."),
        "role_not_allowed": lazy_gettext("You may not give the role %(role)s."),
    }
)

# The statistics' refusal of a period (shared.statistics.periods, manage.statistics_api).
ERROR_MESSAGES["invalid_period"] = lazy_gettext(
    "That is not a period: the last day must not be before the first, and a period is at most"
    " 366 days, within the years 2000-2100."
)
