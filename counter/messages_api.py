"""Counter API: the e-mails and text messages of one appointment (sent, pending, failed)."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, List, Nested, String

from counter.access import refuse_appointment_of_other_points
from shared.appointments.booking import get_appointment_by_id
from shared.errors import NotFound
from shared.notifications.delivery_failures import FailureReason, failure_reason
from shared.notifications.outbox import appointment_messages
from shared.storage.timestamps import utc_text
from shared.web.clerk_auth import CLERK_ONLY, clerk_required
from shared.web.context import get_db
from shared.web.error_texts import error_message

api = APIBlueprint("counter_messages_api", __name__, url_prefix="/api/v1", tag="Counter")


class AppointmentMessageSchema(Schema):
    id = Integer()
    channel = String(metadata={"description": "email or sms"})
    recipient = String(metadata={"description": "the address or number, partly hidden"})
    kind = String(
        metadata={
            "description": "confirmation, reminder, cancellation, reschedule, contact_changed"
            " (to the new contact details) or contact_old (to the old ones)"
        }
    )
    language = String()
    status = String(
        metadata={
            "description": "pending (waiting for a try), sending, sent, failed (given up) or"
            " skipped (the channel is not configured)"
        }
    )
    attempts = Integer()
    last_error = String(
        allow_none=True,
        metadata={"description": "why the last try failed, in words for the clerk's language"},
    )
    last_error_reason = String(
        allow_none=True,
        metadata={
            "description": "the same as a code: "
            + ", ".join(reason.value for reason in FailureReason)
        },
    )
    created_at = String()
    sent_at = String(allow_none=True)
    next_attempt_at = String(allow_none=True, metadata={"description": "while pending"})


class AppointmentMessagesSchema(Schema):
    appointment_id = Integer()
    messages = List(Nested(AppointmentMessageSchema))


def failure_text(stored_error: str | None) -> str | None:
    """Why a message failed, in the request's language: never the server's own answer, which
    names servers and codes and stays in the log."""
    reason = failure_reason(stored_error)
    return error_message(f"delivery_{reason}") if reason else None


def masked(recipient: str) -> str:
    """Show enough of an address or number to recognise it: a***@example.fi, +35840****67."""
    if "@" in recipient:
        name, domain = recipient.split("@", 1)
        return f"{name[:1]}***@{domain}"
    return recipient[:6] + "*" * max(0, len(recipient) - 8) + recipient[-2:]


@api.get("/counter/appointments/<int:appointment_id>/messages")
@clerk_required
@api.output(AppointmentMessagesSchema)
@api.doc(
    operation_id="getAppointmentMessages",
    summary="The e-mails and text messages of an appointment",
    description="Oldest first, with their delivery status: a clerk sees whether the"
    " confirmation and reminders went out, and why one failed.",
    **CLERK_ONLY,
    responses={401: "Not logged in", 404: "Unknown appointment"},
)
def get_appointment_messages(appointment_id: int):
    """The message history of one appointment."""
    refuse_appointment_of_other_points(appointment_id)  # only for clerks of its service point
    if get_appointment_by_id(get_db(), appointment_id) is None:
        raise NotFound("not_found")
    return {
        "appointment_id": appointment_id,
        "messages": [
            {
                "id": record.id,
                "channel": record.channel,
                "recipient": masked(record.recipient),
                "kind": record.kind,
                "language": record.language,
                "status": record.status,
                "attempts": record.attempts,
                "last_error": failure_text(record.last_error),
                "last_error_reason": failure_reason(record.last_error),
                "created_at": utc_text(record.created_at),
                "sent_at": record.sent_at and utc_text(record.sent_at),
                "next_attempt_at": utc_text(record.next_attempt_at)
                if record.status == "pending"
                else None,
            }
            for record in appointment_messages(get_db(), appointment_id)
        ],
    }
