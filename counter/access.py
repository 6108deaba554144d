"""Which service points the logged-in clerk may reach: the checks every counter route makes.

A service point named in a request (a counter to open, where to book) that is not the user's
is refused with 403 ``service_point_not_allowed``; a ticket or appointment asked for by id that
belongs to another point answers as if it did not exist (404), so ids tell nothing.
"""

from __future__ import annotations

from shared.accounts.users import User
from shared.appointments.booking import get_appointment_by_id
from shared.errors import DomainError, NotFound
from shared.queue.counters import counter_of
from shared.web.clerk_auth import current_clerk, current_user, require_service_point_access
from shared.web.context import get_db, jono


def seated_counter() -> tuple[str, int]:
    """The (service point, counter) the logged-in clerk opened, or a 409 asking to choose one;
    403 when the point is no longer the user's (an admin narrowed their points meanwhile)."""
    seat = counter_of(get_db(), current_clerk())
    if seat is None:
        raise DomainError("no_counter", status=409)
    require_service_point_access(seat[0])
    return seat


def refuse_appointment_of_other_points(appointment_id: int) -> None:
    """404 for an appointment that does not exist or is at a point the user may not work at."""
    appointment = get_appointment_by_id(get_db(), appointment_id)
    user = current_user()
    if appointment is None or user is None or not user.may_work_at(appointment.service_point):
        raise NotFound("not_found")


def service_points_of(user: User | None) -> list[str]:
    """The ids of the points the user may work at, in the config's order."""
    points = jono().config.service_points
    return [point.id for point in points if user is not None and user.may_work_at(point.id)]
