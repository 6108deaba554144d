"""Retention: personal data purged once its time is over, the anonymous rest kept for statistics.

`purge` applies the [retention] settings (`shared.config.retention`) and the limits that
already end some rows (a lock's time, a session's life), one step per kind of data, each in
small batches of its own BEGIN IMMEDIATE transaction: the server's writers wait at most one
batch, never for the whole purge. Candidates are read outside the write lock and checked again
inside it, so a row that changed meanwhile is left for the next run. Every step can run again at
once and finds nothing: a purged row no longer matches. What each step removes, and why, is in
docs/privacy.md.

Tickets, the event log, appointments' rows (status, times, category, party) and messages' kind,
channel, status and times stay: statistics count those.

This lives with the appointments because it is the lowest domain room that may read the whole
config and the outbox; it touches the tables of the queue and the accounts with plain SQL, by
the same rules as their own code (`forget_old_tries`, `end_expired_sessions`, `_forget_ended`),
so a database no server swept is purged the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from shared.config import Config
from shared.notifications.delivery_failures import failure_reason
from shared.storage.timestamps import utc_text
from shared.storage.transactions import write_transaction

# Rows per transaction: a batch takes milliseconds, so a kiosk's write waits at most that long.
BATCH_ROWS = 500
# What statistics need of a ticket's kiosk answers; the rest (expiry dates, the reasons that
# decided, the answers about the passport and online booking) describes the person.
KEPT_TRIAGE_ANSWERS = ("matter", "party_size")
# A purged message's dedupe key: the real one names the recipient. Real keys start with an
# appointment's id or "ticket:", so this never meets one.
REMOVED_KEY_PREFIX = "removed:"


@dataclass(frozen=True)
class PurgeCount:
    """How many rows one step purged (or, in a dry run, would purge).

    :param step: the step's name (``appointment_contact_details`` ...)
    :param table: the table it changes
    :param change: what happens to a row, in words
    :param rows: how many rows
    """

    step: str
    table: str
    change: str
    rows: int


@dataclass(frozen=True)
class PurgeReport:
    """What a purge did, step by step, in the order they ran.

    :param dry_run: True when nothing was changed and `counts` says what would be
    """

    dry_run: bool
    counts: tuple[PurgeCount, ...]

    def rows(self, step: str) -> int:
        """How many rows the named step purged."""
        return next(count.rows for count in self.counts if count.step == step)

    def as_dict(self) -> dict[str, int]:
        """The rows of each step, by the step's name."""
        return {count.step: count.rows for count in self.counts}

    @property
    def total(self) -> int:
        """Rows purged by all steps together."""
        return sum(count.rows for count in self.counts)


@dataclass(frozen=True)
class _Step:
    """One kind of data to purge.

    `where` selects the rows whose time is over (and not purged yet) with `params`; `change`
    is the UPDATE or DELETE applied to them, or `rewrite` changes one batch's rows itself
    (inside the batch's transaction, given the ids still matching).
    """

    name: str
    table: str
    description: str
    where: str
    params: tuple
    change: str = ""
    rewrite: Callable[[sqlite_utils.Database, list[int]], None] | None = None


def purge(
    db: sqlite_utils.Database, config: Config, now: datetime, dry_run: bool = False
) -> PurgeReport:
    """Purge the personal data whose retention time is over; return the rows of each step.

    :param db: the database
    :param config: the deployment's config (`retention`, `accounts`, `rules`)
    :param now: the moment to count from
    :param dry_run: count what would go and change nothing
    """
    counts = []
    for step in _steps(config, now):
        rows = _count(db, step) if dry_run else _apply(db, step)
        counts.append(PurgeCount(step.name, step.table, step.description, rows))
    return PurgeReport(dry_run, tuple(counts))


def _steps(config: Config, now: datetime) -> list[_Step]:
    """The steps in the order they run. Messages come before tickets' phone numbers: that step
    deletes a ticket's unsent messages, which the message step counts first (so a dry run
    counts what the real run does)."""
    retention = config.retention
    contacts_until = utc_text(now - retention.contact_details)
    appointment_starts = "(SELECT starts_at FROM appointments WHERE id = messages.appointment_id)"
    # The bucket of a kiosk left alone this long is full again: its row means the same as none.
    refill = timedelta(
        minutes=config.rules.kiosk_ticket_burst / config.rules.kiosk_tickets_per_minute
    )
    return [
        _Step(
            "appointment_contact_details",
            "appointments",
            "e-mail address and phone number removed",
            # Emptied, not NULL: the table's CHECK wants one contact or a clerk for every
            # appointment, and '' still tells statistics which channels were given.
            "starts_at < ? AND (COALESCE(email, '') != '' OR COALESCE(phone, '') != '')",
            (contacts_until,),
            change="UPDATE appointments SET email = CASE WHEN email IS NULL THEN NULL ELSE '' END,"
            " phone = CASE WHEN phone IS NULL THEN NULL ELSE '' END",
        ),
        _Step(
            "message_contents",
            "messages",
            "recipient, subject, texts and attachments removed",
            # Never one still to be sent. Once its appointment has passed no reminder or change
            # can be queued for it, so its dedupe key is no longer needed; and the recipient
            # never outlives the appointment's own contact details.
            "status IN ('sent', 'failed', 'skipped') AND dedupe_key NOT LIKE ?"
            f" AND ((COALESCE(sent_at, created_at) < ? AND COALESCE({appointment_starts} < ?, 1))"
            f" OR {appointment_starts} < ?)",
            (
                f"{REMOVED_KEY_PREFIX}%",
                utc_text(now - retention.messages),
                utc_text(now),
                contacts_until,
            ),
            rewrite=_empty_messages,
        ),
        _Step(
            "ticket_turn_near_phones",
            "tickets",
            '"your turn is near" phone number removed',
            "notify_phone IS NOT NULL AND issued_at < ?",
            (utc_text(now - retention.turn_near_phone),),
            rewrite=_forget_ticket_phones,
        ),
        _Step(
            "ticket_triage_answers",
            "tickets",
            "kiosk answers reduced to matter and party size",
            # Something is left once the kept answers are taken away. (json_remove scans 200 000
            # tickets in some 70 ms, half the time a json_each subquery takes.)
            "issued_at < ? AND json_remove(triage_answers"
            f"{', ?' * len(KEPT_TRIAGE_ANSWERS)}) != '{{}}'",
            (
                utc_text(now - retention.triage_answers),
                *(f"$.{key}" for key in KEPT_TRIAGE_ANSWERS),
            ),
            rewrite=_reduce_triage_answers,
        ),
        _Step(
            "pin_failures",
            "pin_failures",
            "deleted",
            # A lock in force stays whatever the setting: forgetting it would lift it early.
            "last_failure_at < ? AND (locked_until IS NULL OR locked_until <= ?)",
            (utc_text(now - retention.pin_failures), utc_text(now)),
            change="DELETE FROM pin_failures",
        ),
        _Step(
            "login_throttle",
            "login_throttle",
            "deleted",
            # The rule of `shared.accounts.login_throttle.forget_old_tries`: lock and window over.
            "(locked_until IS NULL OR locked_until <= ?) AND window_started_at <= ?",
            (utc_text(now), utc_text(now - config.accounts.lock_duration)),
            change="DELETE FROM login_throttle",
        ),
        _Step(
            "clerk_sessions",
            "clerk_sessions",
            "deleted",
            # The rule of `shared.accounts.sessions.end_expired_sessions`: the session ended.
            "expires_at <= ? OR last_seen_at <= ?",
            (utc_text(now), utc_text(now - config.accounts.idle_timeout)),
            change="DELETE FROM clerk_sessions",
        ),
        _Step(
            "kiosk_allowances",
            "kiosk_allowances",
            "deleted",
            "updated_at <= ?",
            (utc_text(now - refill),),
            change="DELETE FROM kiosk_allowances",
        ),
        _Step(
            "kiosk_offers_taken",
            "kiosk_offers_taken",
            "deleted",
            "taken_at < ?",
            (utc_text(now - retention.kiosk_offers),),
            change="DELETE FROM kiosk_offers_taken",
        ),
    ]


def _count(db: sqlite_utils.Database, step: _Step) -> int:
    """How many rows the step would purge now."""
    sql = f"SELECT COUNT(*) FROM {step.table} WHERE {step.where}"
    return db.execute(sql, list(step.params)).fetchone()[0]


def _apply(db: sqlite_utils.Database, step: _Step) -> int:
    """Purge the step's rows batch by batch, each batch in its own write transaction."""
    purged, after = 0, 0
    while True:
        # Read outside the write lock (WAL readers block nobody), by rowid so the scan goes on
        # from the last batch instead of starting over.
        ids = [
            row[0]
            for row in db.execute(
                f"SELECT rowid FROM {step.table} WHERE rowid > ? AND ({step.where})"
                " ORDER BY rowid LIMIT ?",
                [after, *step.params, BATCH_ROWS],
            ).fetchall()
        ]
        if not ids:
            return purged
        after = ids[-1]
        with write_transaction(db):
            still = _still_matching(db, step, ids)
            if still:
                if step.rewrite is not None:
                    step.rewrite(db, still)
                else:
                    db.execute(f"{step.change} WHERE rowid IN ({_marks(still)})", still)
            purged += len(still)


def _still_matching(db: sqlite_utils.Database, step: _Step, ids: Sequence[int]) -> list[int]:
    """Those of `ids` that still match the step, read inside its write transaction."""
    return [
        row[0]
        for row in db.execute(
            f"SELECT rowid FROM {step.table} WHERE rowid IN ({_marks(ids)}) AND ({step.where})",
            [*ids, *step.params],
        ).fetchall()
    ]


def _marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


def _empty_messages(db: sqlite_utils.Database, ids: list[int]) -> None:
    """Empty the messages' personal part; keep kind, channel, status, tries and times.

    `last_error` keeps only its reason: older rows hold the sender's English text, which could
    name the address the server refused."""
    for message_id, last_error in db.execute(
        f"SELECT id, last_error FROM messages WHERE id IN ({_marks(ids)})", ids
    ).fetchall():
        reason = failure_reason(last_error)
        db.execute(
            "UPDATE messages SET recipient = '', subject = '', body_text = NULL,"
            " body_html = NULL, attachments = '[]', secret = NULL, last_error = ?,"
            " dedupe_key = ? WHERE id = ?",
            [reason and reason.value, f"{REMOVED_KEY_PREFIX}{message_id}", message_id],
        )


def _forget_ticket_phones(db: sqlite_utils.Database, ids: list[int]) -> None:
    """Remove the tickets' phone numbers as `shared.queue.turn_near` does when a ticket ends: a
    ticket that never ended (left waiting by an older version, say) loses it here."""
    marks = _marks(ids)
    db.execute(f"UPDATE tickets SET notify_phone = NULL WHERE id IN ({marks})", ids)
    db.execute(
        f"DELETE FROM messages WHERE ticket_id IN ({marks}) AND status IN ('pending', 'skipped')",
        ids,
    )
    db.execute(f"UPDATE messages SET recipient = '' WHERE ticket_id IN ({marks})", ids)


def _reduce_triage_answers(db: sqlite_utils.Database, ids: list[int]) -> None:
    """Keep of each ticket's answers only what statistics count (KEPT_TRIAGE_ANSWERS)."""
    for ticket_id, answers in db.execute(
        f"SELECT id, triage_answers FROM tickets WHERE id IN ({_marks(ids)})", ids
    ).fetchall():
        kept = {
            key: value for key, value in json.loads(answers).items() if key in KEPT_TRIAGE_ANSWERS
        }
        db.execute(
            "UPDATE tickets SET triage_answers = ? WHERE id = ?",
            [json.dumps(kept, sort_keys=True), ticket_id],
        )
