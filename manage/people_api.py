"""Manager API: the people and devices of a service point.

Accounts (clerks, and for admins managers and admins too), paired kiosks and the counters'
seats of one point, for its managers and for admins (`manage.access`). Every route is behind
`clerk_required` (a session, and the CSRF guard on every change) and `require_manager_of`;
account changes check, inside their own transaction, that the account is still one the caller
may change. Disabling an account or resetting its password ends its sessions and frees its
counter at once, as `jono users` does (there the sweeper frees it within a minute).
"""

from __future__ import annotations

import logging

from apiflask import APIBlueprint

from manage.access import (
    account_guard,
    assignable_roles,
    may_change_account,
    require_assignable,
    require_manager_of,
    visible_points_of,
)
from manage.schemas import (
    AccountChangedSchema,
    AccountListSchema,
    CounterSeatsSchema,
    KioskAnswerSchema,
    KioskListSchema,
    KioskNameSchema,
    KioskPairingSchema,
    NewAccountSchema,
    NewKioskSchema,
    PasswordResetSchema,
    ServicePointsSchema,
)
from shared.accounts import kiosks
from shared.accounts.users import (
    User,
    add_user,
    list_users,
    new_one_time_password,
    require_user,
    set_disabled,
    set_password,
    set_service_points,
)
from shared.errors import NotFound
from shared.queue.counters import close_counters_of, counter_clerks
from shared.storage.timestamps import utc_text
from shared.web.clerk_auth import CLERK_ONLY, PASSWORD_CHECKS, clerk_required, current_clerk
from shared.web.context import get_db, jono
from shared.web.qr import qr_svg
from shared.web.realtime import publish
from shared.web.slow_work import off_the_loop

api = APIBlueprint("manage_people_api", __name__, url_prefix="/api/v1", tag="Manage")
log = logging.getLogger(__name__)
POINT = "/service-points/<service_point_id>"
READ_ERRORS = {
    401: "Not logged in",
    403: "Not a manager (manager_only), or not a manager of this point (service_point_not_allowed)",
    404: "Unknown service point",
}
CHANGE_ERRORS = {
    **READ_ERRORS,
    400: "Invalid body (a short password, an unknown point, a bad name)",
    403: "Not a manager of this point, a role or point the caller may not give, an account"
    " out of the caller's reach (account_not_managed); or no CSRF token and no Origin of this"
    " site",
    404: "Unknown service point, or no such account or kiosk at this point",
    409: "The user name is taken, or the caller's own account",
}


def account_view(manager: User, account: User) -> dict:
    """An account as the manager of this page may see it: only the points they run."""
    shown, elsewhere = visible_points_of(manager, account)
    return {
        "username": account.username,
        "role": account.role,
        "service_points": shown,
        "works_elsewhere": elsewhere,
        "every_point": account.service_points is None,
        "disabled": account.is_disabled,
        "may_change": may_change_account(manager, account),
    }


def kiosk_view(kiosk: kiosks.Kiosk) -> dict:
    """A kiosk as the page shows it (never its codes or token)."""
    return {
        "id": kiosk.id,
        "name": kiosk.name,
        "state": kiosk.state(jono().clock.now()),
        "created_at": utc_text(kiosk.created_at),
        "paired_at": kiosk.paired_at and utc_text(kiosk.paired_at),
        "pairing_expires_at": kiosk.pairing_expires_at and utc_text(kiosk.pairing_expires_at),
    }


def _known_points() -> list[str]:
    """The ids of the configured service points."""
    return [point.id for point in jono().config.service_points]


def _point_kiosk(service_point_id: str, kiosk_id: int) -> kiosks.Kiosk:
    """A kiosk of this point; one of another point answers as unknown (ids tell nothing)."""
    kiosk = kiosks.get_kiosk(get_db(), kiosk_id)
    if kiosk.service_point != service_point_id:
        raise NotFound("unknown_kiosk", kiosk=kiosk_id)
    return kiosk


@api.get(f"{POINT}/accounts")
@api.output(AccountListSchema)
@api.doc(
    operation_id="listAccounts",
    summary="The accounts that may work at a service point",
    description="For its managers and admins. An account's points are shown only among the"
    " caller's own; `works_elsewhere` says it has others.",
    **CLERK_ONLY,
    responses=READ_ERRORS,
)
@clerk_required
def list_accounts(service_point_id: str):
    """Clerks, managers and admins of the point, by name."""
    manager = require_manager_of(service_point_id)
    accounts = [
        account_view(manager, account)
        for account in list_users(get_db())
        if account.may_work_at(service_point_id)
    ]
    return {
        "service_point": service_point_id,
        "accounts": accounts,
        "roles": list(assignable_roles(manager)),
    }


@api.post(f"{POINT}/accounts")
@clerk_required  # outermost, so an anonymous caller gets 401 before the body is even validated
@api.input(NewAccountSchema, arg_name="body")
@api.output(AccountChangedSchema, status_code=201)
@api.doc(
    operation_id="addAccount",
    summary="Add an account at a service point",
    description="A manager adds clerks of their own points; only an admin adds managers and"
    " admins. Without a password, a one-time password is made and shown once in the answer.",
    **CLERK_ONLY,
    responses=CHANGE_ERRORS,
)
def add_account(service_point_id: str, body: dict):
    """Create the account (its points default to this one) and say its one-time password."""
    manager = require_manager_of(service_point_id)
    points = body["service_points"] or [service_point_id]
    require_assignable(manager, body["role"], points)
    one_time = new_one_time_password() if body["password"] is None else None
    with PASSWORD_CHECKS.place():  # the hash is a deliberately slow scrypt, as at a login
        account = off_the_loop(
            add_user,
            get_db(),
            body["username"],
            body["password"] or one_time,
            body["role"],
            jono().clock.now(),
            points,
            _known_points(),
        )
    log.info("%s added %s %s at %s", current_clerk(), account.role, account.username, points)
    return {"account": account_view(manager, account), "one_time_password": one_time}


def _changed(manager: User, account: User, one_time: str | None = None) -> dict:
    return {"account": account_view(manager, account), "one_time_password": one_time}


def _set_disabled(service_point_id: str, username: str, disabled: bool) -> dict:
    """Disable or enable an account the caller may change; a disabled one loses its sessions
    and its counter at once."""
    manager = require_manager_of(service_point_id)
    db, now = get_db(), jono().clock.now()
    account = set_disabled(db, username, disabled, now, account_guard(manager, service_point_id))
    if disabled:
        publish(close_counters_of(db, username, now))
    log.info("%s %s %s", current_clerk(), "disabled" if disabled else "enabled", username)
    return _changed(manager, account)


@api.post(f"{POINT}/accounts/<username>/disable")
@api.output(AccountChangedSchema)
@api.doc(
    operation_id="disableAccount",
    summary="Disable an account: it cannot log in, its sessions end, its counter is freed",
    description="A number called at its counter goes back to its place in the queue.",
    **CLERK_ONLY,
    responses=CHANGE_ERRORS,
)
@clerk_required
def disable_account(service_point_id: str, username: str):
    """Stop the account from logging in."""
    return _set_disabled(service_point_id, username, True)


@api.post(f"{POINT}/accounts/<username>/enable")
@api.output(AccountChangedSchema)
@api.doc(
    operation_id="enableAccount",
    summary="Let a disabled account log in again",
    **CLERK_ONLY,
    responses=CHANGE_ERRORS,
)
@clerk_required
def enable_account(service_point_id: str, username: str):
    """Enable the account again."""
    return _set_disabled(service_point_id, username, False)


@api.post(f"{POINT}/accounts/<username>/password")
@clerk_required  # outermost, so an anonymous caller gets 401 before the body is even validated
@api.input(PasswordResetSchema, arg_name="body")
@api.output(AccountChangedSchema)
@api.doc(
    operation_id="resetAccountPassword",
    summary="Give an account a new password; its sessions end and its counter is freed",
    description="Without a password in the body, a one-time password is made and shown once"
    " in the answer: hand it over in person.",
    **CLERK_ONLY,
    responses=CHANGE_ERRORS,
)
def reset_account_password(service_point_id: str, username: str, body: dict):
    """Set the given password, or a one-time one."""
    manager = require_manager_of(service_point_id)
    one_time = new_one_time_password() if body["password"] is None else None
    db, now = get_db(), jono().clock.now()
    with PASSWORD_CHECKS.place():
        off_the_loop(
            set_password,
            db,
            username,
            body["password"] or one_time,
            now,
            account_guard(manager, service_point_id),
        )
    publish(close_counters_of(db, username, now))
    log.info("%s reset the password of %s", current_clerk(), username)
    return _changed(manager, require_user(db, username), one_time)


@api.put(f"{POINT}/accounts/<username>/service-points")
@clerk_required  # outermost, so an anonymous caller gets 401 before the body is even validated
@api.input(ServicePointsSchema, arg_name="body")
@api.output(AccountChangedSchema)
@api.doc(
    operation_id="setAccountServicePoints",
    summary="Change the service points an account may work at",
    description="Among the caller's own points (an admin: any). A counter the account holds"
    " at a point no longer theirs is refused at its next action.",
    **CLERK_ONLY,
    responses=CHANGE_ERRORS,
)
def set_account_service_points(service_point_id: str, username: str, body: dict):
    """Replace the account's points."""
    manager = require_manager_of(service_point_id)
    db = get_db()
    target = require_user(db, username)
    account_guard(manager, service_point_id)(target)  # a quick refusal before the points
    require_assignable(manager, target.role, body["service_points"])
    account = set_service_points(
        db,
        username,
        body["service_points"],
        _known_points(),
        account_guard(manager, service_point_id),
    )
    log.info("%s set the points of %s: %s", current_clerk(), username, account.service_points)
    return _changed(manager, account)


@api.get(f"{POINT}/kiosks")
@api.output(KioskListSchema)
@api.doc(
    operation_id="listKiosks",
    summary="The kiosks of a service point: paired, waiting for their pairing, revoked",
    **CLERK_ONLY,
    responses=READ_ERRORS,
)
@clerk_required
def list_kiosks(service_point_id: str):
    """Every kiosk ever added to the point, by id."""
    require_manager_of(service_point_id)
    return {
        "service_point": service_point_id,
        "kiosks": [kiosk_view(kiosk) for kiosk in kiosks.kiosks_of(get_db(), service_point_id)],
    }


@api.post(f"{POINT}/kiosks")
@clerk_required  # outermost, so an anonymous caller gets 401 before the body is even validated
@api.input(NewKioskSchema, arg_name="body")
@api.output(KioskPairingSchema, status_code=201)
@api.doc(
    operation_id="addKiosk",
    summary="Add a kiosk: its one-time pairing address, to open once on the kiosk itself",
    description="As `jono kiosks add`: the address is valid 24 hours and shown only here.",
    **CLERK_ONLY,
    responses=CHANGE_ERRORS,
)
def add_kiosk(service_point_id: str, body: dict):
    """Make the kiosk and its pairing address, with the address as a QR code."""
    require_manager_of(service_point_id)
    state = jono()
    pairing = kiosks.add_kiosk(
        get_db(), state.config, service_point_id, body["name"], state.clock.now()
    )
    address = kiosks.pairing_address(state.config.public_base_url, pairing.code)
    log.info("%s added kiosk %s at %s", current_clerk(), pairing.kiosk.id, service_point_id)
    return {
        "kiosk": kiosk_view(pairing.kiosk),
        "pairing_address": address,
        "pairing_qr_svg": str(qr_svg(address)),
    }


@api.put(f"{POINT}/kiosks/<int:kiosk_id>/name")
@clerk_required  # outermost, so an anonymous caller gets 401 before the body is even validated
@api.input(KioskNameSchema, arg_name="body")
@api.output(KioskAnswerSchema)
@api.doc(
    operation_id="renameKiosk",
    summary="Give a kiosk a new name",
    **CLERK_ONLY,
    responses=CHANGE_ERRORS,
)
def rename_kiosk(service_point_id: str, kiosk_id: int, body: dict):
    """Rename a kiosk of the point."""
    require_manager_of(service_point_id)
    _point_kiosk(service_point_id, kiosk_id)
    return kiosk_view(kiosks.rename_kiosk(get_db(), kiosk_id, body["name"]))


@api.delete(f"{POINT}/kiosks/<int:kiosk_id>")
@api.output(KioskAnswerSchema)
@api.doc(
    operation_id="revokeKiosk",
    summary="Revoke a kiosk: its device cookie and unused pairing address stop working at once",
    **CLERK_ONLY,
    responses=CHANGE_ERRORS,
)
@clerk_required
def revoke_kiosk(service_point_id: str, kiosk_id: int):
    """Revoke a kiosk of the point (revoking it again changes nothing)."""
    require_manager_of(service_point_id)
    _point_kiosk(service_point_id, kiosk_id)
    kiosk = kiosks.revoke_kiosk(get_db(), kiosk_id, jono().clock.now())
    log.info("%s revoked kiosk %s at %s", current_clerk(), kiosk_id, service_point_id)
    return kiosk_view(kiosk)


@api.get(f"{POINT}/counter-seats")
@api.output(CounterSeatsSchema)
@api.doc(
    operation_id="listCounterSeats",
    summary="The counters of a service point and who sits at each",
    description="A counter someone left open is freed with freeCounter.",
    **CLERK_ONLY,
    responses=READ_ERRORS,
)
@clerk_required
def list_counter_seats(service_point_id: str):
    """Every configured counter of the point with its clerk, or none."""
    require_manager_of(service_point_id)
    point = jono().config.service_point(service_point_id)
    seated = counter_clerks(get_db(), service_point_id)
    return {
        "service_point": service_point_id,
        "counters": [
            {"counter": counter.number, "clerk": seated.get(counter.number)}
            for counter in point.counters
        ],
    }
