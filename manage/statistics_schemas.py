"""Schemas of the statistics API: the queries it reads and the figures it answers.

The answers mirror the dataclasses of `shared.statistics` field by field; pairs the domain keeps
as tuples (a queue and its waits, a counter and its count) become small objects with names.
Times are UTC ISO 8601 text, days local ISO dates, durations whole seconds, shares 0..1.
"""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Date, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

PERIOD_KINDS = ("day", "week", "month", "custom")
EXPORTS = ("tickets", "appointments", "daily")
MAX_FORECAST_WEEKS = 12


def _share(description: str) -> Float:
    return Float(allow_none=True, metadata={"description": description})


class PeriodQuery(Schema):
    period = String(
        load_default="week",
        validate=OneOf(PERIOD_KINDS),
        metadata={"description": "day, week (Monday to Sunday), month, or custom (from, to)"},
    )
    day = Date(
        load_default=None,
        metadata={"description": "a local day inside the period (default: today)"},
    )
    from_day = Date(
        data_key="from", load_default=None, metadata={"description": "custom: the first day"}
    )
    to_day = Date(
        data_key="to", load_default=None, metadata={"description": "custom: the last day"}
    )
    queue = String(
        load_default=None,
        validate=Length(min=1, max=40),
        metadata={"description": "one queue's figures (default: every queue)"},
    )


class ExportQuery(PeriodQuery):
    which = String(
        required=True,
        validate=OneOf(EXPORTS),
        metadata={"description": "tickets (one row a number), appointments, or daily aggregates"},
    )


class MonthlyReportQuery(Schema):
    year = Integer(load_default=None, validate=Range(min=2000, max=2100))
    month = Integer(load_default=None, validate=Range(min=1, max=12))


class ForecastQuery(Schema):
    day = Date(
        load_default=None, metadata={"description": "the local day to plan (default: today)"}
    )
    weeks = Integer(
        load_default=4,
        validate=Range(min=1, max=MAX_FORECAST_WEEKS),
        metadata={"description": "how many past weeks of the same weekday to learn from"},
    )


class QueueNowSchema(Schema):
    queue = String()
    waiting = Integer()
    longest_wait_seconds = Integer(allow_none=True)
    called = Integer()
    called_within_target = Integer()
    served = Integer()
    target_wait_minutes = Integer()


class CounterNowSchema(Schema):
    counter = Integer()
    clerk = String(allow_none=True)
    serving_number = String(allow_none=True)
    queues = List(String())


class AppointmentsTodaySchema(Schema):
    booked = Integer()
    checked_in = Integer()
    served = Integer()
    lost = Integer()
    cancelled = Integer()


class TodayOverviewSchema(Schema):
    service_point = String()
    at = String(metadata={"description": "when the figures were read (UTC)"})
    queues = List(Nested(QueueNowSchema))
    counters = List(Nested(CounterNowSchema), metadata={"description": "open counters only"})
    served = Integer()
    no_shows = Integer()
    called = Integer()
    called_within_target = Integer()
    service_level = _share("called within the queue's target / called; null before any call")
    failed_prints = Integer()
    failed_messages = Integer()
    appointments = Nested(AppointmentsTodaySchema)


class PeriodSchema(Schema):
    first_day = String()
    last_day = String()


class DistributionSchema(Schema):
    count = Integer()
    p50_seconds = Integer(allow_none=True)
    p90_seconds = Integer(allow_none=True)
    max_seconds = Integer(allow_none=True)


class QueueDistributionSchema(DistributionSchema):
    queue = String()


class CategoryDistributionSchema(DistributionSchema):
    category = String(allow_none=True)


class DayServiceLevelSchema(Schema):
    day = String()
    queue = String()
    called = Integer()
    within_target = Integer()


class CounterServedSchema(Schema):
    counter = Integer()
    served = Integer()


class OutcomeCountSchema(Schema):
    outcome = String()
    count = Integer()


class AppointmentFiguresSchema(Schema):
    booked_online = Integer()
    booked_at_counter = Integer()
    offered_at_kiosk = Integer()
    cancelled = Integer()
    moved = Integer()
    lost = Integer()
    checked_in = Integer()
    served = Integer()


class EstimateAccuracySchema(Schema):
    count = Integer()
    mean_absolute_error_seconds = Float(allow_none=True)
    within_five_minutes = Integer()
    under_estimated = Integer()
    over_estimated = Integer()


class StatisticsSchema(Schema):
    service_point = String()
    period = Nested(PeriodSchema)
    queue = String(allow_none=True)
    tickets_issued = Integer()
    arrivals_by_weekday_hour = List(
        List(Integer()),
        metadata={"description": "7 rows (Monday first) of 24 local hours: numbers issued"},
    )
    waits = Nested(DistributionSchema)
    waits_by_queue = List(Nested(QueueDistributionSchema))
    service_times_by_category = List(Nested(CategoryDistributionSchema))
    service_level_by_day = List(Nested(DayServiceLevelSchema))
    called = Integer()
    called_within_target = Integer()
    service_level = _share("called within the queue's target / called")
    no_shows = Integer()
    no_show_rate = _share("no-shows / called")
    transfers = Integer()
    transfer_rate = _share("transfers / numbers issued")
    served_per_counter = List(Nested(CounterServedSchema))
    kiosk_outcomes = List(Nested(OutcomeCountSchema))
    appointments = Nested(AppointmentFiguresSchema)
    estimates = Nested(EstimateAccuracySchema)


class ForecastHourSchema(Schema):
    hour = Integer(metadata={"description": "local hour, 0-23"})
    expected_arrivals = Float()
    mean_service_seconds = Float(allow_none=True)
    counters_needed = Integer()
    expected_wait_seconds = Float(allow_none=True)
    counters_open = Integer(allow_none=True, metadata={"description": "null for a future hour"})
    target_wait_minutes = Integer(
        allow_none=True, metadata={"description": "the strictest target of the hour's queues"}
    )
    expected_service_level = _share("called within target with counters_needed open")


class ForecastAccuracySchema(Schema):
    days = Integer()
    hours = Integer()
    mean_absolute_arrival_error = Float()
    hours_understaffed = Integer()
    day = String(allow_none=True)
    forecast_arrivals = Float()
    actual_arrivals = Integer()
    called = Integer()
    called_within_target = Integer()
    service_level = _share("reached that day: called within target / called")
    target_level = Float()


class StaffingForecastSchema(Schema):
    service_point = String()
    day = String()
    weeks_used = Integer()
    target_level = Float()
    method = String(metadata={"description": "the id of the sentence that says how it is computed"})
    hours = List(Nested(ForecastHourSchema))
    last_week = Nested(ForecastAccuracySchema, allow_none=True)
