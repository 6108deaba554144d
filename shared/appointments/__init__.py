"""Appointments (no Flask): free times and days, holds, booking, reservation keys and PINs,
changes with key + PIN, contact details, reminders, the confirmation slip and late-means-lost."""
