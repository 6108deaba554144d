"""The manager's figures: today's overview, a period's statistics, exports, the monthly report
and the staffing forecast, all from SQL aggregates over the tables the rest of Jono writes."""
