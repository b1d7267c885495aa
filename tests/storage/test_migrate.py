"""Alembic migrations build the same schema as the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import make_engine
from storage.migrate import current_revisions, downgrade, head_revisions, upgrade


def _assert_migrated_schema_matches_models(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert current_revisions(engine) == head_revisions(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"slack_user", "pair", "outbox", "goal", "meeting", "action_item", "alembic_version"} <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
        upgrade(engine)  # running again is a no-op
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert current_revisions(engine) == head_revisions(engine)
    finally:
        engine.dispose()


def test_migrations_up_and_down_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _assert_migrated_schema_matches_models(f"sqlite:///{tmp_path}/m.db")


@pytest.mark.postgres
def test_migrations_up_and_down_on_postgres(pg_url: str) -> None:
    _assert_migrated_schema_matches_models(pg_url)


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path}/p.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_the_migrations_end_in_one_head() -> None:
    """Branches made side by side are merged, so `alembic upgrade head` and every tool see one schema."""
    assert len(head_revisions(make_engine("sqlite:///:memory:"))) == 1
