"""Django's PostgreSQL backend with a health check that sends no query (see :mod:`.base`)."""
