"""Persistence: the SQL engine, the SQLModel tables and the Alembic migrations that create them."""
