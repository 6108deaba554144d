"""The manager's pages and API: today live, history and reports, the staffing forecast, and the
people and devices of a service point."""
