"""Why a message was not delivered: a small closed set of reasons a clerk can act on.

The sender stores one of these reasons in `messages.last_error` and writes the raw answer of
the mail server or the SMS gateway to the log only: that answer names servers, addresses and
protocol codes, which mean nothing to a clerk and are not theirs to see. Rows written before
the reasons existed hold the sender's old English text; `failure_reason` sorts those into the
same set.
"""

from __future__ import annotations

import re
from enum import StrEnum


class FailureReason(StrEnum):
    """Why a try to deliver a message failed, in words a clerk understands."""

    EMAIL_ADDRESS_REFUSED = "email_address_refused"
    MAIL_SERVER_UNREACHABLE = "mail_server_unreachable"
    MAIL_SERVER_REFUSED = "mail_server_refused"
    PHONE_NUMBER_REFUSED = "phone_number_refused"
    SMS_SERVICE_UNREACHABLE = "sms_service_unreachable"
    SMS_SERVICE_REFUSED = "sms_service_refused"
    OTHER = "other"


_REASONS = frozenset(reason.value for reason in FailureReason)
# Gateway answers about the gateway itself (our key, a proxy, its time-out or rate limit), not
# about the number it was given.
_GATEWAY_TROUBLE = frozenset({401, 403, 407, 408, 429})

# The sender's texts before the reasons existed, by their fixed beginnings.
_OLD_TEXTS = (
    ("the SMTP server refused the recipient", FailureReason.EMAIL_ADDRESS_REFUSED),
    ("SMTP server unreachable", FailureReason.MAIL_SERVER_UNREACHABLE),
    ("SMTP error", FailureReason.MAIL_SERVER_REFUSED),
    ("SMS gateway unreachable", FailureReason.SMS_SERVICE_UNREACHABLE),
)
_OLD_GATEWAY_ANSWER = re.compile(r"SMS gateway answered (\d{3})\b")


def gateway_refusal(status: int) -> FailureReason:
    """The reason for an SMS gateway's refusing HTTP answer.

    :param status: the HTTP status the gateway answered with (4xx or 5xx)
    """
    if 400 <= status < 500 and status not in _GATEWAY_TROUBLE:
        return FailureReason.PHONE_NUMBER_REFUSED
    return FailureReason.SMS_SERVICE_REFUSED


def failure_reason(stored_error: str | None) -> FailureReason | None:
    """The reason behind a message's stored `last_error` (None: no error is stored).

    :param stored_error: what the sender stored: a reason, or an older row's English text
    """
    if not stored_error:
        return None
    if stored_error in _REASONS:
        return FailureReason(stored_error)
    answer = _OLD_GATEWAY_ANSWER.match(stored_error)
    if answer:
        return gateway_refusal(int(answer.group(1)))
    for beginning, reason in _OLD_TEXTS:
        if stored_error.startswith(beginning):
            return reason
    return FailureReason.OTHER
