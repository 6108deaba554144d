"""The `jono` command: serve, init-db, users, ticket-preview, worker; and the gunicorn server."""
