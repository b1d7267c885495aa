"""The HTTP front: `POST /slack/events`, the OAuth routes and `GET /healthz`, served by waitress."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.engine import Engine
from waitress import wasyncore
from waitress.server import create_server

from bot.slack_client import slack_monitor
from storage.db import database_monitor

logger = logging.getLogger(__name__)

#: Slack's biggest payloads (a modal's full state) are far below this; larger bodies are refused.
MAX_REQUEST_BODY_BYTES = 1024 * 1024

StartResponse = Callable[..., Any]


#: /healthz answers within about this long, whatever the database and Slack are doing.
HEALTH_WAIT_S = 1.5


def health(app: App, engine: Engine, wait: float = HEALTH_WAIT_S) -> tuple[bool, dict[str, Any]]:
    """``(healthy, body)`` for /healthz: the database and Slack, checked side by side within ``wait`` seconds."""
    slack = slack_monitor(app.client)
    started = time.monotonic()
    if slack is not None:
        slack.check(0)  # start a refresh if the cached answer is stale, while the database is probed
    database = database_monitor(engine).check(wait)
    body: dict[str, Any] = {"status": "ok", "database": database.ok}
    if not database.ok:
        body["database_error"] = ("not writable: " if database.reachable else "") + database.detail
    healthy = database.ok
    if slack is not None:
        slack_state = slack.check(max(0.0, wait - (time.monotonic() - started)))
        body["slack"] = slack_state.status
        healthy = healthy and not slack_state.failing
    if not healthy:
        body["status"] = "unavailable"
    return healthy, body


#: Requests signed further than this from now are refused (Slack's own rule: five minutes).
SIGNATURE_MAX_AGE_S = 5 * 60

#: Interactivity payloads that name the person who acted; without ``user.id`` they are malformed.
PAYLOADS_WITH_USER = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action", "block_suggestion"}
)


def signature_is_valid(secret: str, body: bytes, timestamp: str, signature: str, now: float | None = None) -> bool:
    """Slack's v0 signature over the raw bytes (no decoding, so any body can be checked safely)."""
    if not (timestamp.isascii() and timestamp.isdigit()) or not signature.startswith("v0="):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > SIGNATURE_MAX_AGE_S:
        return False
    expected = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("v0=" + expected, signature)


def _parse_object(text: str) -> Any:
    """``json.loads``, with absurd nesting (RecursionError) counted as malformed like any other bad JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _is_malformed(body: str, content_type: str) -> bool:
    """A body Bolt cannot handle: JSON that is not an object, or an interactivity ``payload`` that is not one,
    or one that lacks the parts every listener relies on (its ``type``, and ``user.id`` where Slack sends one)."""
    if content_type.startswith("application/json"):
        return not isinstance(_parse_object(body or "null"), dict)
    try:
        fields = parse_qs(body)
    except ValueError:
        return True
    if "payload" not in fields:
        return False
    payload = _parse_object(fields["payload"][0])
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        return True
    if payload["type"] in PAYLOADS_WITH_USER:
        user = payload.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return True
    return payload["type"] in ("view_submission", "view_closed") and not isinstance(payload.get("view"), dict)


class GuardedSlackRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter behind our own front door.

    The signature is checked first, over the raw bytes, before anything is decoded, parsed or
    logged: an unsigned request gets 401 and at most one short (rate-limited) log line, never its
    body (Bolt would log the whole body at INFO). A signed request whose body is not UTF-8, not
    parseable or missing required parts gets 400. Nothing here can end in a 500.
    """

    def __init__(self, app: App, *, signing_secret: str | None, path: str = "/slack/events") -> None:
        super().__init__(app, path=path)
        self.signing_secret = signing_secret
        self._refusals = _RateLimitedLog(logger, interval_s=60)

    def _get_http_response(self, request: WsgiHttpRequest) -> WsgiHttpResponse:
        if request.method == "POST" and request.path == self.path:
            response = self.dispatch_raw(request)
            return WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        return super()._get_http_response(request)

    def dispatch_raw(self, request: WsgiHttpRequest) -> BoltResponse:
        environ = request.environ
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return BoltResponse(status=400, body="bad request")
        raw: bytes = environ["wsgi.input"].read(length) if "wsgi.input" in environ and length > 0 else b""
        headers = request.get_headers()
        if self.signing_secret is not None:
            timestamp = str(headers.get("x-slack-request-timestamp") or "")
            signature = str(headers.get("x-slack-signature") or "")
            if not signature_is_valid(self.signing_secret, raw, timestamp, signature):
                self._refusals.log("refused a request without a valid Slack signature (%d bytes)", len(raw))
                return BoltResponse(status=401, body="")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return BoltResponse(status=400, body="bad request")
        if _is_malformed(body, str(headers.get("content-type") or "")):
            return BoltResponse(status=400, body="bad request")
        return self.app.dispatch(BoltRequest(body=body, query=request.query_string, headers=headers))


class _RateLimitedLog:
    """One INFO line per ``interval_s`` at most, with a count of what was left out."""

    def __init__(self, target: logging.Logger, *, interval_s: float) -> None:
        self.target = target
        self.interval_s = interval_s
        self._lock = threading.Lock()
        self._next = 0.0
        self._skipped = 0

    def log(self, message: str, *args: Any) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._next:
                self._skipped += 1
                return
            skipped, self._skipped, self._next = self._skipped, 0, now + self.interval_s
        suffix = f" (and {skipped} more since the last line)" if skipped else ""
        self.target.info(message + suffix, *args)


def make_wsgi_app(
    app: App, engine: Engine, *, signing_secret: str | None = None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack_handler = GuardedSlackRequestHandler(app, signing_secret=signing_secret, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            ok, answer = health(app, engine)
            body = json.dumps(answer).encode()
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
