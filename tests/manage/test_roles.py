"""Who may use the people and devices operations: an admin everywhere, a manager only at their
own points (a manager of Tampere sees nothing of Helsinki), a clerk nowhere; and the pages."""

from __future__ import annotations

import pytest

from shared.accounts.kiosks import add_kiosk
from shared.accounts.users import add_user, get_user
from tests.conftest import CLERK_PASSWORD, count_rows, log_in

NOT_ALLOWED = "service_point_not_allowed"
# Every operation of manage.people_api, at the point {point}, as (operationId, method, path, body).
OPERATIONS = [
    ("listAccounts", "get", "/accounts", None),
    ("addAccount", "post", "/accounts", {"username": "uusi", "password": "long enough pw"}),
    ("disableAccount", "post", "/accounts/{clerk}/disable", None),
    ("enableAccount", "post", "/accounts/{clerk}/enable", None),
    ("resetAccountPassword", "post", "/accounts/{clerk}/password", {}),
    ("setAccountServicePoints", "put", "/accounts/{clerk}/service-points",
     {"service_points": ["{point}"]}),
    ("listKiosks", "get", "/kiosks", None),
    ("addKiosk", "post", "/kiosks", {"name": "Aula 2"}),
    ("renameKiosk", "put", "/kiosks/{kiosk}/name", {"name": "Aula 3"}),
    ("revokeKiosk", "delete", "/kiosks/{kiosk}", None),
    ("listCounterSeats", "get", "/counter-seats", None),
]  # fmt: skip


@pytest.fixture
def office(app, db, config, clock):
    """A clerk and a kiosk at each of Helsinki and Tampere; returns a way to log anyone in."""
    now = clock.now()
    add_user(db, "hanna", CLERK_PASSWORD, "clerk", now, ["helsinki"])
    add_user(db, "taina", CLERK_PASSWORD, "clerk", now, ["tampere"])
    kiosks = {
        point: add_kiosk(db, config, point, f"Aula {point}", now).kiosk.id
        for point in ("helsinki", "tampere")
    }

    def logged_in(username: str, role: str, points):
        add_user(db, username, CLERK_PASSWORD, role, now, points)
        test_client = app.test_client()
        assert log_in(test_client, username).status_code == 200
        return test_client

    logged_in.kiosks = kiosks
    return logged_in


def call(test_client, operation, point: str, kiosk: int):
    """Send one operation to the point, with that point's clerk and kiosk in the path."""
    _, method, path, body = operation
    clerk = {"helsinki": "hanna", "tampere": "taina"}[point]
    url = "/api/v1/service-points/" + point + path.format(point=point, clerk=clerk, kiosk=kiosk)
    if body is not None:
        body = {
            key: (
                [item.format(point=point) for item in value] if isinstance(value, list) else value
            )
            for key, value in body.items()
        }
    return getattr(test_client, method)(url, json=body)


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation[0] for operation in OPERATIONS])
def test_a_manager_of_tampere_sees_nothing_of_helsinki(office, db, operation):
    manager = office("tuula", "manager", ["tampere"])
    before = count_rows(db)
    users_before = db.execute("SELECT * FROM users ORDER BY username").fetchall()
    kiosks_before = db.execute("SELECT * FROM kiosks ORDER BY id").fetchall()

    response = call(manager, operation, "helsinki", office.kiosks["helsinki"])

    assert response.status_code == 403
    assert response.json["error"]["code"] == "service_point_not_allowed"
    assert "hanna" not in response.get_data(as_text=True)
    assert count_rows(db) == before
    assert db.execute("SELECT * FROM users ORDER BY username").fetchall() == users_before
    assert db.execute("SELECT * FROM kiosks ORDER BY id").fetchall() == kiosks_before


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation[0] for operation in OPERATIONS])
def test_a_manager_may_at_their_own_point(office, operation):
    manager = office("tuula", "manager", ["tampere"])
    response = call(manager, operation, "tampere", office.kiosks["tampere"])
    assert response.status_code in (200, 201), response.json


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation[0] for operation in OPERATIONS])
def test_a_clerk_may_not_even_at_their_own_point(office, db, operation):
    clerk = office("kalle", "clerk", ["helsinki"])
    users_before = db.execute("SELECT * FROM users ORDER BY username").fetchall()
    response = call(clerk, operation, "helsinki", office.kiosks["helsinki"])
    assert (response.status_code, response.json["error"]["code"]) == (403, "manager_only")
    assert db.execute("SELECT * FROM users ORDER BY username").fetchall() == users_before


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation[0] for operation in OPERATIONS])
@pytest.mark.parametrize("point", ["helsinki", "tampere"])
def test_an_admin_may_everywhere(office, operation, point):
    admin = office("anna", "admin", None)
    response = call(admin, operation, point, office.kiosks[point])
    assert response.status_code in (200, 201), response.json


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation[0] for operation in OPERATIONS])
def test_nobody_logged_in_is_asked_to_log_in(office, anonymous_client, operation):
    response = call(anonymous_client, operation, "helsinki", office.kiosks["helsinki"])
    assert (response.status_code, response.json["error"]["code"]) == (401, "login_required")


def test_a_kiosk_of_another_point_answers_as_unknown(office, db):
    manager = office("tuula", "manager", ["tampere"])
    helsinki_kiosk = office.kiosks["helsinki"]
    response = manager.put(
        f"/api/v1/service-points/tampere/kiosks/{helsinki_kiosk}/name", json={"name": "Minun"}
    )
    assert (response.status_code, response.json["error"]["code"]) == (404, "unknown_kiosk")
    assert (
        manager.delete(f"/api/v1/service-points/tampere/kiosks/{helsinki_kiosk}").status_code == 404
    )
    row = db.execute(
        "SELECT name, revoked_at FROM kiosks WHERE id = ?", [helsinki_kiosk]
    ).fetchone()
    assert row == ("Aula helsinki", None)


def test_an_account_of_another_point_answers_as_unknown(office):
    manager = office("tuula", "manager", ["tampere"])
    response = manager.post("/api/v1/service-points/tampere/accounts/hanna/disable")
    assert (response.status_code, response.json["error"]["code"]) == (404, "unknown_user")


def test_a_manager_may_add_clerks_only_and_only_at_their_points(office, db):
    manager = office("tuula", "manager", ["tampere"])
    url = "/api/v1/service-points/tampere/accounts"
    for body, code in [
        ({"username": "pomo", "role": "manager"}, "role_not_allowed"),
        ({"username": "pomo", "role": "admin"}, "role_not_allowed"),
        (
            {"username": "pomo", "service_points": ["tampere", "helsinki"]},
            "service_point_not_allowed",
        ),
    ]:
        response = manager.post(url, json=body)
        assert (response.status_code, response.json["error"]["code"]) == (403, code)
    assert get_user(db, "pomo") is None
    admin = office("anna", "admin", None)
    response = admin.post(url, json={"username": "pomo", "role": "manager"})
    assert response.status_code == 201
    assert get_user(db, "pomo").role == "manager"
    assert get_user(db, "pomo").service_points == ("tampere",)


def test_a_manager_may_not_change_other_managers_or_clerks_of_other_points(office, db, clock):
    add_user(db, "molemmat", CLERK_PASSWORD, "clerk", clock.now(), ["tampere", "helsinki"])
    manager = office("tuula", "manager", ["tampere"])
    office("teemu", "manager", ["tampere"])
    base = "/api/v1/service-points/tampere/accounts"
    for username in ("molemmat", "teemu"):
        response = manager.post(f"{base}/{username}/disable")
        assert (response.status_code, response.json["error"]["code"]) == (
            403,
            "account_not_managed",
        )
        assert not get_user(db, username).is_disabled
    response = manager.post(f"{base}/tuula/disable")
    assert (response.status_code, response.json["error"]["code"]) == (409, "own_account")
    listed = {row["username"]: row for row in manager.get(base).json["accounts"]}
    assert listed["molemmat"]["service_points"] == ["tampere"]  # Helsinki's name is not shown
    assert listed["molemmat"]["works_elsewhere"] is True
    assert listed["molemmat"]["may_change"] is False
    assert listed["taina"]["may_change"] is True
    assert "hanna" not in listed


def test_a_manager_works_at_a_counter_of_their_point_only(office):
    manager = office("tuula", "manager", ["tampere"])
    assert (
        manager.put("/api/v1/counter", json={"service_point": "tampere", "counter": 1}).status_code
        == 200
    )
    response = manager.put("/api/v1/counter", json={"service_point": "helsinki", "counter": 1})
    assert (response.status_code, response.json["error"]["code"]) == (
        403,
        "service_point_not_allowed",
    )


def test_a_manager_frees_a_counter_of_their_point_but_not_elsewhere(office, make_clerk):
    make_clerk("istuja", "tampere", 2, ("tampere",))
    make_clerk("toinen", "helsinki", 2, ("helsinki",))
    manager = office("tuula", "manager", ["tampere"])
    response = manager.delete("/api/v1/service-points/helsinki/counters/2/clerk")
    assert (response.status_code, response.json["error"]["code"]) == (
        403,
        "service_point_not_allowed",
    )
    assert manager.delete("/api/v1/service-points/tampere/counters/2/clerk").status_code == 204
    seats = manager.get("/api/v1/service-points/tampere/counter-seats").json["counters"]
    assert {seat["counter"]: seat["clerk"] for seat in seats}[2] is None


def test_the_pages_refuse_clearly_in_the_chosen_language(office, app):
    clerk = office("kalle", "clerk", ["helsinki"])
    response = clerk.get("/manage/helsinki/people?lang=fi", follow_redirects=True)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert 'lang="fi"' in page and 'id="manage-refusal"' in page
    assert "Traceback" not in page
    manager = office("tuula", "manager", ["tampere"])
    response = manager.get("/manage/helsinki/people")
    assert response.status_code == 403
    assert 'id="accounts"' not in response.get_data(as_text=True)
    assert manager.get("/manage/tampere/people").status_code == 200
    assert manager.get("/manage/oulu/people").status_code == 404
    anonymous = app.test_client()
    page = anonymous.get("/manage/tampere/people").get_data(as_text=True)
    assert 'id="manage-login-form"' in page and 'id="accounts"' not in page


def test_manage_sends_a_manager_to_their_first_point(office):
    manager = office("tuula", "manager", ["tampere"])
    response = manager.get("/manage")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/tampere/today")
    clerk = office("kalle", "clerk", ["helsinki"])
    assert clerk.get("/manage").status_code == 403


def test_the_point_picker_and_the_language_keep_the_page(office):
    manager = office("molla", "manager", ["helsinki", "tampere"])
    response = manager.get("/manage/choose?service_point=tampere&page=people")
    assert response.headers["Location"].endswith("/manage/tampere/people")
    page = manager.get("/manage/tampere/people").get_data(as_text=True)
    assert 'id="manage-point"' in page  # a manager of two points may pick
    response = manager.get("/manage/tampere/people?period=week&lang=sv")
    assert response.headers["Location"].endswith("/manage/tampere/people?period=week")
    assert 'lang="sv"' in manager.get("/manage/tampere/people").get_data(as_text=True)
    single = office("tuula", "manager", ["tampere"])
    assert 'id="manage-point"' not in single.get("/manage/tampere/people").get_data(as_text=True)
