"""Live events carry small deltas: a page that applies only deltas ends where a fresh snapshot is,
after random sequences of kiosk and counter actions; the page's own delta.js is the one run."""

from __future__ import annotations

import json
import random
import subprocess

import pytest

from shared.web.snapshot_delta import apply_delta, diff
from tests.conftest import PROJECT_ROOT
from tests.kiosk.test_api import BOOKING_HELP_ANSWERS, URGENT_ANSWERS, ticket_body

DELTA_JS = PROJECT_ROOT / "shared" / "web" / "static" / "delta.js"
ACTIONS = 200
# Applies the events to the first snapshot as live.js does, with the page's delta.js.
NODE_PAGE = """
const JonoDelta = require(process.argv[1]);
const { snapshot, events } = JSON.parse(require("fs").readFileSync(0, "utf8"));
let current = snapshot, last = snapshot.sequence, asked = false;
for (const event of events) {
  if (event.sequence <= last) continue;
  last = event.sequence;
  if (event.snapshot) current = event.snapshot;
  else if (event.delta) {
    const fits = current.sequence === event.delta.base;
    if (fits) current = JonoDelta.apply(current, event.delta.change);
    else asked = true;
  }
}
process.stdout.write(JSON.stringify({ current, asked }));
"""


def page_state(snapshot: dict, events: list[dict]) -> dict:
    """What a page holds after `events`, computed by delta.js under Node."""
    result = subprocess.run(
        ["node", "-e", NODE_PAGE, str(DELTA_JS)],
        input=json.dumps({"snapshot": snapshot, "events": events}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def random_actions(rng: random.Random, kiosk, clerks, clock, count: int) -> None:
    """`count` random kiosk and counter actions, most of them accepted, some refused."""
    for number in range(count):
        choice = rng.random()
        clerk = rng.choice(clerks)
        if choice < 0.35:
            answers = URGENT_ANSWERS if rng.random() < 0.7 else BOOKING_HELP_ANSWERS
            kiosk.post(
                "/api/v1/service-points/helsinki/tickets",
                json=ticket_body(
                    answers, key=f"visit-{number:04}", language=rng.choice("fi sv en".split())
                ),
            )
        elif choice < 0.6:
            clerk.post("/api/v1/counter/call-next")
        else:
            current = clerk.get("/api/v1/counter").json["current_ticket"]
            if current is None:
                continue
            action = rng.choice(["recall", "no-show", "start", "finish", "return", "transfer"])
            path = f"/api/v1/tickets/{current['id']}/{action}"
            if action == "transfer":
                clerk.post(path, json={"queue": rng.choice(["urgent", "booking_help"])})
            else:
                clerk.post(path)
        clock.advance(seconds=rng.randint(5, 400))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_page_that_applies_only_deltas_ends_where_a_fresh_snapshot_is(
    seed, app, client, socket_client, make_clerk, clock
):
    clerks = [make_clerk(f"clerk{number}", "helsinki", number) for number in (1, 2, 3)]
    display = socket_client("helsinki")
    first_snapshot = next(m["args"][0] for m in display.get_received() if m["name"] == "snapshot")
    random_actions(random.Random(seed), client, clerks, clock, ACTIONS)
    events = [m["args"][0] for m in display.get_received() if m["name"] == "queue_event"]
    fresh = client.get("/api/v1/service-points/helsinki/snapshot").json

    page = page_state(first_snapshot, events)

    assert not page["asked"], "a delta did not fit the state the page held"
    held = {key: value for key, value in page["current"].items() if key != "generated_at"}
    assert held == {key: value for key, value in fresh.items() if key != "generated_at"}
    assert len(events) >= ACTIONS / 4  # the actions did happen, of many kinds
    assert len({event["type"] for event in events}) >= 6
    assert all("snapshot" not in event for event in events[1:])  # deltas after the first batch


def test_a_delta_is_small_next_to_the_snapshot(app, client, make_clerk, socket_client):
    """With 100 people waiting, a call's event is a few hundred bytes, not the whole state."""
    for number in range(100):
        response = client.post(
            "/api/v1/service-points/helsinki/tickets",
            json=ticket_body(key=f"lobby-visit-{number:04}"),
        )
        assert response.status_code == 201, response.json
    clerk = make_clerk("clerk1", "helsinki", 1)
    display = socket_client("helsinki")
    display.get_received()
    response = clerk.post("/api/v1/counter/call-next")
    assert response.status_code == 200, response.json
    (event,) = [m["args"][0] for m in display.get_received() if m["name"] == "queue_event"]
    snapshot = client.get("/api/v1/service-points/helsinki/snapshot").json
    assert len(json.dumps(event)) * 5 < len(json.dumps(snapshot))


def test_python_and_javascript_apply_the_same_changes():
    """Random states: apply_delta(old, diff(old, new)) is new, in Python and in delta.js."""
    rng = random.Random(7)

    def state():
        waiting = [
            {"id": key, "number": f"A{key:03}", "party_size": rng.randint(1, 3)}
            for key in rng.sample(range(40), rng.randint(0, 15))
        ]
        return {
            "sequence": rng.randint(0, 50),
            "queues": [{"id": "urgent", "waiting": waiting}, {"id": "booking_help", "waiting": []}],
            "recent_calls": [{"number": "A001", "counter": rng.randint(1, 3)}] * rng.randint(0, 3),
            "printer": {"status": rng.choice([None, "online", "offline"])},
        }

    pairs = [(state(), state()) for _ in range(300)]
    for old, new in pairs:
        assert apply_delta(old, diff(old, new)) == new
    script = (
        "const JonoDelta = require(process.argv[1]);"
        "const pairs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const applied = pairs.map(([old, change]) => JonoDelta.apply(old, change));"
        "process.stdout.write(JSON.stringify(applied));"
    )
    result = subprocess.run(
        ["node", "-e", script, str(DELTA_JS)],
        input=json.dumps([[old, diff(old, new)] for old, new in pairs]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout) == [new for _, new in pairs]
