"""Test databases: a fresh SQLite file, or a fresh schema on PostgreSQL, migrated to head."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from storage.db import make_engine

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("MENTOR_TEST_DATABASE_URL") or DEFAULT_PG_URL


def suite_runs_on_postgres() -> bool:
    url = os.environ.get("MENTOR_TEST_DATABASE_URL")
    return bool(url) and make_url(url).get_backend_name() == "postgresql"


def require_postgres() -> str:
    """The PostgreSQL URL; fails in CI and skips elsewhere when it is unreachable."""
    url = postgres_url()
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as error:
        message = f"PostgreSQL at {url} is unreachable: {error.orig}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextmanager
def fresh_postgres_url() -> Iterator[str]:
    """A URL whose search_path is a brand-new schema, dropped afterwards."""
    base = require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def fresh_database_url(tmp_dir: str, *, postgres: bool = False) -> Iterator[str]:
    if postgres:
        with fresh_postgres_url() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_dir}/mentor-{uuid.uuid4().hex[:8]}.db"


@contextmanager
def migrated_engine(url: str) -> Iterator[Engine]:
    from storage.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def migrate_template_sqlite(path: str) -> None:
    """A migrated SQLite file, checkpointed so a plain file copy carries everything."""
    from storage.migrate import upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def truncate_all(url: str) -> None:
    """Empty every table of the (already migrated) database at ``url``, keeping the schema."""
    from sqlmodel import SQLModel

    import storage.models  # noqa: F401

    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
