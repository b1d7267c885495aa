"""Engine and session helpers: one engine per process, one session per unit of work, rows an UPDATE matched."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import CursorResult, Engine, Result, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000

#: PostgreSQL: give up connecting after this long (psycopg's client-side ``connect_timeout``).
PG_CONNECT_TIMEOUT_S = 3
#: PostgreSQL: the server cancels any statement running longer than this (``0``: never).
PG_STATEMENT_TIMEOUT_MS = 15_000
#: PostgreSQL: an established connection whose data goes unacknowledged this long is dropped by the kernel
#: (``tcp_user_timeout``); keepalives find a dead peer on an idle connection within about the same time.
PG_TCP_USER_TIMEOUT_MS = 10_000
#: Waiting for a free pooled connection ends with an error after this long instead of blocking.
POOL_TIMEOUT_S = 3


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def normalize_url(url: str) -> str:
    """``postgres://`` and driver-less ``postgresql://`` URLs use psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _postgres_connect_args(query: Any, statement_timeout_ms: int) -> dict[str, Any]:
    """psycopg settings so that a database that stops answering fails fast instead of hanging the bot.

    Values already given in the URL's query string win (``options=-c statement_timeout=…`` too).
    """
    args: dict[str, Any] = {
        "connect_timeout": PG_CONNECT_TIMEOUT_S,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": PG_TCP_USER_TIMEOUT_MS,
    }
    args = {key: value for key, value in args.items() if key not in query}
    options = query.get("options") or ""
    options = options if isinstance(options, str) else " ".join(options)
    if statement_timeout_ms and "statement_timeout" not in options:
        args["options"] = f"{options} -c statement_timeout={statement_timeout_ms}".strip()
    return args


def make_engine(url: str, *, statement_timeout_ms: int = PG_STATEMENT_TIMEOUT_MS) -> Engine:
    """Build an engine for a SQLAlchemy URL.

    SQLite gets WAL, foreign keys and a busy timeout. PostgreSQL gets a connect timeout, a
    statement timeout (``statement_timeout_ms``; 0 for none, as migrations use), TCP keepalives
    and ``tcp_user_timeout``, pre-ping and a pool timeout. Connections are tracked so that
    ``DatabaseMonitor`` can break the ones stuck on a database that stopped answering.
    """
    url = normalize_url(url)
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False}
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["pool_timeout"] = POOL_TIMEOUT_S
        if parsed.get_backend_name() == "postgresql":
            kwargs["connect_args"] = _postgres_connect_args(parsed.query, statement_timeout_ms)
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    else:
        _track_connections(engine)
    return engine


# ---- health: is the database reachable and writable, answered within a deadline -----------------

_open_connections: weakref.WeakKeyDictionary[Engine, weakref.WeakSet[Any]] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def _track_connections(engine: Engine) -> None:
    connections: weakref.WeakSet[Any] = weakref.WeakSet()
    with _registry_lock:
        _open_connections[engine] = connections

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        connections.add(dbapi_connection)

    def on_close(dbapi_connection: Any, *_args: Any) -> None:
        connections.discard(dbapi_connection)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "close", on_close)
    event.listen(engine, "close_detached", on_close)


def break_connections(engine: Engine) -> int:
    """Shut down the sockets of every open connection of ``engine``; return how many.

    A thread blocked reading from a database that no longer answers (a network black hole)
    wakes with an error instead of waiting forever; the pool then replaces the connection.
    """
    with _registry_lock:
        connections = list(_open_connections.get(engine, ()))
    broken = 0
    for connection in connections:
        try:
            if getattr(connection, "closed", True):
                continue
            fd = connection.fileno()
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
            broken += 1
        except Exception:  # best effort: this runs on a database that is already failing, never raise here
            continue
    return broken


@dataclass(frozen=True)
class DatabaseState:
    reachable: bool
    writable: bool
    detail: str = ""
    checked_at: float = 0.0  # time.monotonic() of the probe's end; 0: never checked

    @property
    def ok(self) -> bool:
        return self.reachable and self.writable


def probe_database(engine: Engine, *, write: bool = True) -> DatabaseState:
    """``SELECT 1``, then (``write``) a write rolled back (a no-op UPDATE of ``alembic_version``)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            connection.rollback()
            if not write:
                return DatabaseState(True, True, "", time.monotonic())
            sqlite = connection.dialect.name == "sqlite"
            try:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA busy_timeout=1000")
                else:
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '1s'")
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            except SQLAlchemyError as error:
                return DatabaseState(True, False, _first_line(error), time.monotonic())
            finally:
                connection.rollback()
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    except SQLAlchemyError as error:
        return DatabaseState(False, False, _first_line(error), time.monotonic())
    return DatabaseState(True, True, "", time.monotonic())


def _first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


class DatabaseMonitor:
    """Asks the database, with a deadline, whether it answers (and can be written), never blocking for long.

    ``check(wait, write=...)`` joins the probe of that kind already running, or starts one, and
    waits at most ``wait`` seconds for it: concurrent callers share one probe, and no answer
    is ever taken from a cache, so a database that just stopped answering is noticed at once. A
    probe that has not finished after ``probe_timeout_s`` counts as "unreachable", and the engine's
    connections are broken so that nothing stays blocked on them; the next probe connects afresh,
    which is how the bot notices by itself that the database is back.
    """

    def __init__(self, engine: Engine, *, probe_timeout_s: float = 2.5) -> None:
        self._engine = weakref.ref(engine)  # the registry below is keyed by the engine: no cycle keeping it alive
        self.sqlite = engine.dialect.name == "sqlite"
        self.probe_timeout_s = probe_timeout_s
        self._lock = threading.Lock()
        self._state = DatabaseState(True, True, "not checked yet", 0.0)
        self._running: dict[bool, tuple[threading.Event, list[DatabaseState]]] = {}

    @property
    def state(self) -> DatabaseState:
        """The last probe's result (``checked_at`` 0: none yet)."""
        return self._state

    def check(self, wait: float, *, write: bool = True) -> DatabaseState:
        with self._lock:
            running = self._running.get(write)
            if running is None:
                running = self._running[write] = (threading.Event(), [])
                threading.Thread(target=self._supervise, args=(write, *running), daemon=True, name="db-probe").start()
        done, result = running
        if done.wait(wait) and result:
            return result[0]
        return DatabaseState(False, False, f"no answer within {wait:g} s", time.monotonic())

    def _supervise(self, write: bool, done: threading.Event, result: list[DatabaseState]) -> None:
        answer: list[DatabaseState] = []
        engine = self._engine()
        if engine is None:  # disposed of and collected: nothing left to probe
            answer.append(DatabaseState(False, False, "engine is gone", time.monotonic()))
        else:
            worker = threading.Thread(
                target=lambda: answer.append(probe_database(engine, write=write)), daemon=True, name="db-probe-io"
            )
            worker.start()
            worker.join(self.probe_timeout_s)
        state = answer[0] if answer else DatabaseState(
            False, False, f"no answer within {self.probe_timeout_s:g} s", time.monotonic()
        )
        previous = self._state
        with self._lock:
            self._state = state
            result.append(state)
            del self._running[write]
        done.set()
        if not state.reachable and engine is not None:
            broken = break_connections(engine)
            if previous.reachable:
                logger.warning("database unreachable (%s); broke %d stuck connection(s)", state.detail, broken)
        elif write and not state.writable and previous.writable:
            logger.warning("database cannot be written (%s)", state.detail)
        elif state.reachable and not previous.reachable:
            logger.info("database is reachable again")


_monitors: weakref.WeakKeyDictionary[Engine, DatabaseMonitor] = weakref.WeakKeyDictionary()


def database_monitor(engine: Engine) -> DatabaseMonitor:
    """The one monitor of ``engine`` (shared by /healthz and the request gate)."""
    with _registry_lock:
        monitor = _monitors.get(engine)
        if monitor is None:
            monitor = _monitors[engine] = DatabaseMonitor(engine)
        return monitor


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched.

    ``Session.execute`` returns a ``CursorResult`` for these statements but is typed as returning a plain ``Result``.
    """
    assert isinstance(result, CursorResult)
    return result.rowcount
