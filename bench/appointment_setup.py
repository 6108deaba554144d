"""Configs and servers for the appointment benchmarks (3 and 4): the demo's rules, own points.

Each appointment benchmark runs its own `jono serve` on its own temporary directory, so its
service points and rule overrides cannot disturb the other benchmarks.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import (
    ALL_DAYS_OPEN,
    CLERK,
    CLERK_PASSWORD,
    PROJECT_ROOT,
    LiveServer,
    always_open_config,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def appointment_config_text(service_points: str, **appointment_rules: int) -> str:
    """The demo config (always open, no holidays) with other service points and rules.

    :param service_points: the `[[service_points]]` entries, as TOML, replacing the demo's two
    :param appointment_rules: `[appointments]` keys to set, e.g. horizon_days=1
    """
    text = always_open_config((PROJECT_ROOT / "config.toml").read_text(encoding="utf-8"))
    text = text.split("\n[[service_points]]", 1)[0]
    for key, value in appointment_rules.items():
        text, replaced = re.subn(rf"(?m)^{key} = \d+", f"{key} = {value}", text)
        if replaced != 1:
            raise RuntimeError(f"expected appointments.{key} once in config.toml")
    return text + "\n" + service_points


def service_point_toml(
    point_id: str, name: str, city: str, hours: dict[str, str], desks: list[tuple[str, str, int]]
) -> str:
    """One `[[service_points]]` entry: open all day, one counter, appointments as given.

    :param hours: appointment hours per weekday name, e.g. {"mon": "08:00-16:00"}
    :param desks: (from, to, desks) bands
    """
    hour_items = ", ".join(f'{day} = "{span}"' for day, span in hours.items())
    desk_items = ", ".join(f'{{ from = "{a}", to = "{b}", desks = {n} }}' for a, b, n in desks)
    names = f'{{ fi = "{name}", sv = "{name}", en = "{name}" }}'
    cities = f'{{ fi = "{city}", sv = "{city}", en = "{city}" }}'
    return (
        "[[service_points]]\n"
        f'id = "{point_id}"\n'
        f"name = {names}\n"
        f'address = "{name} 1, Finland"\n'
        f"city = {cities}\n"
        'timezone = "Europe/Helsinki"\n'
        f"{ALL_DAYS_OPEN}\n"
        'counters = [{ number = 1, queues = ["appointment", "urgent"] }]\n'
        'printer = { type = "none" }\n'
        "[service_points.appointments]\n"
        f"hours = {{ {hour_items} }}\n"
        f"desks = [{desk_items}]\n\n"
    )


class AppointmentBenchServer(LiveServer):
    """A LiveServer whose config is given as text instead of the demo's."""

    def __init__(self, directory: Path, config_text: str):
        super().__init__(directory)
        self.config_text = config_text

    def prepare(self) -> None:
        """Write the given config, create the database and the clerk account."""
        self.config_path.write_text(self.config_text, encoding="utf-8")
        self.run_command("init-db")
        self.run_command(
            "users", "add", CLERK, "--service-points", "all", stdin=CLERK_PASSWORD + "\n"
        )
