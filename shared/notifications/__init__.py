"""E-mail and text messages (no Flask): the transactional outbox, what the messages say,
and the sender that delivers them."""
