"""The HTTP front: `POST /slack/events`, the OAuth routes and `GET /healthz`, served by waitress."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from waitress import wasyncore
from waitress.server import create_server

logger = logging.getLogger(__name__)

#: Slack's biggest payloads (a modal's full state) are far below this; larger bodies are refused.
MAX_REQUEST_BODY_BYTES = 1024 * 1024

StartResponse = Callable[..., Any]


def database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        logger.warning("health check: database unreachable", exc_info=True)
        return False


def _is_malformed(body: str, content_type: str) -> bool:
    """A body Bolt cannot parse: JSON that is not an object, or an interactivity ``payload`` that is not."""
    try:
        if content_type.startswith("application/json"):
            return not isinstance(json.loads(body or "null"), dict)
        fields = parse_qs(body)
        if "payload" in fields:
            return not isinstance(json.loads(fields["payload"][0]), dict)
    except ValueError:
        return True
    return False


class GuardedSlackRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, answering malformed bodies with 400 (401 when unsigned) instead of a 500."""

    def __init__(self, app: App, *, signing_secret: str | None, path: str = "/slack/events") -> None:
        super().__init__(app, path=path)
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        body = request.get_body()
        headers = request.get_headers()
        content_type = str(headers.get("content-type") or "")
        timestamp = str(headers.get("x-slack-request-timestamp") or "")
        if self.verifier is not None and not (timestamp.isascii() and timestamp.isdigit()):
            return BoltResponse(status=401, body="")  # Bolt answers a non-numeric timestamp with an empty 200
        if _is_malformed(body, content_type):
            signed = self.verifier is not None and self.verifier.is_valid_request(body, headers)
            return BoltResponse(status=400 if signed else 401, body="bad request" if signed else "")
        # The body stream is read once; hand Bolt what we read.
        return self.app.dispatch(BoltRequest(body=body, query=request.query_string, headers=headers))


def make_wsgi_app(
    app: App, engine: Engine, *, signing_secret: str | None = None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack_handler = GuardedSlackRequestHandler(app, signing_secret=signing_secret, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            ok = database_ok(engine)
            body = json.dumps({"status": "ok" if ok else "unavailable", "database": ok}).encode()
            start_response(
                "200 OK" if ok else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack_handler(environ, start_response)

    return wsgi


def make_server(
    app: App, engine: Engine, *, signing_secret: str | None, host: str = "0.0.0.0", port: int = 3000
) -> Any:
    """A waitress server (production-grade, multi-threaded); ``port=0`` picks a free port."""
    return create_server(
        make_wsgi_app(app, engine, signing_secret=signing_secret),
        host=host,
        port=port,
        threads=8,
        max_request_body_size=MAX_REQUEST_BODY_BYTES,
        ident="mentor-bot",
        clear_untrusted_proxy_headers=True,
    )


def stop_server(server: Any, thread: threading.Thread | None = None, timeout: float = 10) -> None:
    """Stop a waitress server running in ``thread``: finish its workers, then close its sockets in its own loop.

    Closing inside the loop (through its trigger) and waiting for the loop to end means no file
    descriptor is closed late, after the number may have been reused by something else.
    """
    server.task_dispatcher.shutdown()
    done = threading.Event()

    def close_everything() -> None:
        wasyncore.close_all(server._map)
        done.set()

    try:
        server.trigger.pull_trigger(close_everything)
    except OSError:  # the trigger's pipe is already gone: nothing can wake the loop, so close from here
        wasyncore.close_all(server._map, ignore_all=True)
        done.set()
    if thread is not None:
        thread.join(timeout)
        if thread.is_alive():
            raise RuntimeError("the HTTP server did not stop")
    elif not done.wait(timeout):
        raise RuntimeError("the HTTP server did not stop")


@contextmanager
def serving_in_thread(
    app: App, engine: Engine, *, signing_secret: str | None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve in a background thread (tests, benchmarks); yields the base URL, stops cleanly on exit."""
    server = make_server(app, engine, signing_secret=signing_secret, host=host, port=port)
    thread = threading.Thread(target=server.run, daemon=True, name="mentor-bot-http")
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}"
    finally:
        stop_server(server, thread)
