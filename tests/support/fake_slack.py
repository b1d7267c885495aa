"""A fake of the Slack Web API on 127.0.0.1 (port 0): records calls, answers like Slack, injects failures.

The bot reaches it through ``SLACK_API_URL`` (``fake.api_url``, with its trailing slash). It checks
the bearer token, accepts GET query strings, form and JSON bodies, keeps the messages it was sent
(so ``conversations.history`` and ``chat.update`` work), validates views and messages against
Slack's limits, and can answer the next calls of a method with 429 + Retry-After, a 5xx, an
``ok: false`` error or a delay. ``response_url`` posts land on ``fake.response_url(...)``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

VALID_TOKEN = "xoxb-test-token"
BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0001"

JSON_FIELDS = {"blocks", "view", "attachments", "metadata", "files", "user_auth_blocks"}


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Injected:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    delay_after: float = 0.0  # handle the call, then wait this long before answering (a lost answer)


@dataclass
class FakeSlackState:
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    injected: dict[str, list[Injected]] = field(default_factory=dict)
    channels_opened: dict[str, list[str]] = field(default_factory=dict)
    used_triggers: set[str] = field(default_factory=set)


def _text_len(obj: Any) -> int:
    return len(obj.get("text", "")) if isinstance(obj, dict) else 0


def validate_blocks(blocks: list[dict[str, Any]], *, limit: int) -> str | None:
    """A Slack-style error message for blocks breaking Slack's limits, else None."""
    if not isinstance(blocks, list):
        return "[ERROR] blocks must be an array"
    if len(blocks) > limit:
        return f"[ERROR] no more than {limit} items allowed [json-pointer:/blocks]"
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or "type" not in block:
            return f"[ERROR] missing required field: type [json-pointer:/blocks/{i}]"
        block_id = block.get("block_id")
        if block_id:
            if block_id in seen:
                return f"[ERROR] duplicate block_id [json-pointer:/blocks/{i}/block_id]"
            if len(block_id) > 255:
                return f"[ERROR] must be less than 256 characters [json-pointer:/blocks/{i}/block_id]"
            seen.add(block_id)
        kind = block["type"]
        if kind == "section":
            if "text" not in block and "fields" not in block:
                return f"[ERROR] must provide text or fields [json-pointer:/blocks/{i}]"
            if _text_len(block.get("text")) > 3000:
                return f"[ERROR] must be less than 3001 characters [json-pointer:/blocks/{i}/text]"
            if _text_len(block.get("text")) == 0 and "fields" not in block:
                return f"[ERROR] must be more than 0 characters [json-pointer:/blocks/{i}/text]"
            if len(block.get("fields", [])) > 10:
                return f"[ERROR] no more than 10 items allowed [json-pointer:/blocks/{i}/fields]"
        elif kind == "header":
            if _text_len(block.get("text")) > 150:
                return f"[ERROR] must be less than 151 characters [json-pointer:/blocks/{i}/text]"
        elif kind == "actions":
            elements = block.get("elements", [])
            if not elements or len(elements) > 25:
                return f"[ERROR] 1 to 25 elements [json-pointer:/blocks/{i}/elements]"
            for j, el in enumerate(elements):
                err = _validate_element(el, f"/blocks/{i}/elements/{j}")
                if err:
                    return err
        elif kind == "context":
            if not block.get("elements") or len(block["elements"]) > 10:
                return f"[ERROR] 1 to 10 elements [json-pointer:/blocks/{i}/elements]"
        elif kind == "input":
            if _text_len(block.get("label")) > 2000:
                return f"[ERROR] must be less than 2001 characters [json-pointer:/blocks/{i}/label]"
            if "element" not in block:
                return f"[ERROR] missing required field: element [json-pointer:/blocks/{i}]"
            err = _validate_element(block["element"], f"/blocks/{i}/element")
            if err:
                return err
        if "accessory" in block:
            err = _validate_element(block["accessory"], f"/blocks/{i}/accessory")
            if err:
                return err
    return None


def _validate_element(el: dict[str, Any], pointer: str) -> str | None:
    kind = el.get("type")
    if kind == "button":
        if _text_len(el.get("text")) > 75:
            return f"[ERROR] must be less than 76 characters [json-pointer:{pointer}/text]"
        if len(el.get("value", "")) > 2000:
            return f"[ERROR] must be less than 2001 characters [json-pointer:{pointer}/value]"
    if kind in ("static_select", "multi_static_select", "radio_buttons", "checkboxes"):
        options = el.get("options") or []
        groups = el.get("option_groups")
        if not options and not groups:
            return f"[ERROR] must provide options [json-pointer:{pointer}]"
        if len(options) > 100:
            return f"[ERROR] no more than 100 items allowed [json-pointer:{pointer}/options]"
        for k, opt in enumerate(options):
            if _text_len(opt.get("text")) > 75:
                return f"[ERROR] must be less than 76 characters [json-pointer:{pointer}/options/{k}/text]"
            if len(opt.get("value", "")) > 150:
                return f"[ERROR] must be less than 151 characters [json-pointer:{pointer}/options/{k}/value]"
    if kind == "plain_text_input":
        max_length = el.get("max_length")
        if max_length is not None and not 1 <= int(max_length) <= 3000:
            return f"[ERROR] max_length must be 1..3000 [json-pointer:{pointer}/max_length]"
        if len(el.get("initial_value", "")) > 3000:
            return f"[ERROR] must be less than 3001 characters [json-pointer:{pointer}/initial_value]"
    action_id = el.get("action_id")
    if action_id and len(action_id) > 255:
        return f"[ERROR] must be less than 256 characters [json-pointer:{pointer}/action_id]"
    return None


def validate_view(view: Any) -> str | None:
    if not isinstance(view, dict):
        return "[ERROR] view must be an object"
    if view.get("type") not in ("modal", "home"):
        return "[ERROR] invalid view type [json-pointer:/view/type]"
    if view["type"] == "modal":
        title = view.get("title")
        if not title:
            return "[ERROR] missing required field: title [json-pointer:/view/title]"
        if _text_len(title) > 24:
            return "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
        for key in ("submit", "close"):
            if key in view and _text_len(view[key]) > 24:
                return f"[ERROR] must be less than 25 characters [json-pointer:/view/{key}/text]"
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []) if isinstance(b, dict))
        if has_input and "submit" not in view:
            return "[ERROR] must define submit to use input block [json-pointer:/view/blocks/0/input]"
    if len(view.get("private_metadata", "")) > 3000:
        return "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"
    if len(view.get("callback_id", "")) > 255:
        return "[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]"
    err = validate_blocks(view.get("blocks", []), limit=100)
    return err.replace("json-pointer:/", "json-pointer:/view/") if err else None


class FakeSlack:
    """Start with ``with FakeSlack() as fake:`` (or ``start()``/``stop()``)."""

    def __init__(self, tokens: tuple[str, ...] = (VALID_TOKEN,)) -> None:
        self.tokens = set(tokens)
        self.state = FakeSlackState()
        self._lock = threading.RLock()
        self._condition = threading.Condition(self._lock)
        self._ts_counter = itertools.count(1)
        self._view_counter = itertools.count(1)
        self.clock_base = 1_800_000_000
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------
    def start(self) -> FakeSlack:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def api_url(self) -> str:
        return self.base_url + "api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base_url}response/{name}"

    # ---- set-up --------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        tz: str | None = "UTC",
        email: str | None = None,
        is_bot: bool = False,
        team_id: str = TEAM_ID,
    ) -> dict[str, Any]:
        name = name or user_id.lower()
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "deleted": False,
            "real_name": name.title(),
            "is_bot": is_bot,
            "profile": {
                "real_name": name.title(),
                "display_name": name,
                "email": email or f"{name}@example.com",
            },
        }
        if tz:
            user["tz"] = tz
        with self._lock:
            self.state.users[user_id] = user
        return user

    def inject(self, method: str, *, times: int = 1, **kwargs: Any) -> None:
        """The next ``times`` calls of ``method`` get ``Injected(**kwargs)``: status, error, delays."""
        with self._lock:
            self.state.injected.setdefault(method, []).extend(Injected(**kwargs) for _ in range(times))

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        self.inject(method, status=429, error="ratelimited", retry_after=retry_after, times=times)

    # ---- reading -------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.state.calls if method is None or c.method == method]

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Arguments of every successful chat.postMessage, optionally only those into ``channel``."""
        with self._lock:
            return [
                m["_args"] for ch, msgs in self.state.messages.items() for m in msgs if channel is None or ch == channel
            ]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.state.messages.get(channel, []))

    def responses(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.state.responses)

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Wait until ``predicate(self)`` is truthy (for work Bolt does after the ack); return its value."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                value = predicate(self)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting; calls so far: {[c.method for c in self.state.calls]}")
                # Wake on every call, and re-check now and then for state outside the fake (the database).
                self._condition.wait(min(remaining, 0.02))

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        return self.wait_for(lambda f: (c := f.calls(method)) and len(c) >= count and c, timeout)

    def wait_for_responses(self, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        return self.wait_for(lambda f: (r := f.responses()) and len(r) >= count and r, timeout)

    # ---- the Web API ----------------------------------------------------
    def _next_ts(self) -> str:
        n = next(self._ts_counter)
        return f"{self.clock_base + n}.{n:06d}"

    def _handle(self, method: str, args: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict, dict]:
        with self._condition:
            self.state.calls.append(Call(method, args, headers))
            self._condition.notify_all()
            queue = self.state.injected.get(method)
            injected = queue.pop(0) if queue else None
        if injected and (injected.delay or injected.status != 200 or injected.error):
            if injected.delay:
                time.sleep(injected.delay)
            if injected.status == 429:
                return (
                    429,
                    {"Retry-After": str(injected.retry_after or 1)},
                    {"ok": False, "error": "ratelimited"},
                )
            if injected.status >= 500:
                return injected.status, {}, {"ok": False, "error": "internal_error"}
            if injected.error:
                return 200, {}, {"ok": False, "error": injected.error}
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() or str(args.get("token", ""))
        if method == "oauth.v2.access":  # authenticated with the client id and secret, not a token
            return 200, {}, self.api_oauth_v2_access(args)
        if token not in self.tokens:
            return 200, {}, {"ok": False, "error": "not_authed" if not token else "invalid_auth"}
        handler = getattr(self, "api_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {}, {"ok": False, "error": "unknown_method"}
        with self._condition:
            result = handler(args)
            self._condition.notify_all()
        if injected and injected.delay_after:
            time.sleep(injected.delay_after)
        return 200, {}, result

    def add_installation(self, team_id: str, bot_token: str) -> None:
        """What ``oauth.v2.access`` answers for the next install; the token becomes valid."""
        self.pending_install = (team_id, bot_token)

    def api_oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        team_id, bot_token = getattr(self, "pending_install", (TEAM_ID, VALID_TOKEN))
        if not args.get("code"):
            return {"ok": False, "error": "invalid_code"}
        with self._lock:
            self.tokens.add(bot_token)
        return {
            "ok": True,
            "app_id": "A0001",
            "authed_user": {"id": "U0INSTALLER"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": bot_token,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": team_id, "name": "Other workspace"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://example-ws.slack.com/",
            "team": "Example",
            "user": "mentor-bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
        }

    def _message_error(self, args: dict[str, Any]) -> dict[str, Any] | None:
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        if len(str(args.get("text", ""))) > 40000:
            return {"ok": False, "error": "msg_too_long"}
        if "blocks" in args:
            err = validate_blocks(args["blocks"], limit=50)
            if err:
                return {"ok": False, "error": "invalid_blocks", "response_metadata": {"messages": [err]}}
        return None

    def api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._message_error(args)
        if error:
            return error
        ts = self._next_ts()
        message = {
            "type": "message",
            "text": args.get("text", ""),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": ts,
            "blocks": args.get("blocks", []),
            "_args": args,
        }
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        self.state.messages.setdefault(args["channel"], []).append(message)
        public = {k: v for k, v in message.items() if k != "_args"}
        return {"ok": True, "channel": args["channel"], "ts": ts, "message": public}

    def api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._message_error(args)
        if error:
            return error
        if not args.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self._next_ts()}

    def api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._message_error(args)
        if error:
            return error
        for message in self.state.messages.get(args["channel"], []):
            if message["ts"] == args.get("ts"):
                message["text"] = args.get("text", message["text"])
                message["blocks"] = args.get("blocks", message["blocks"])
                return {"ok": True, "channel": args["channel"], "ts": args["ts"], "text": message["text"]}
        return {"ok": False, "error": "message_not_found"}

    def api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = sorted(u for u in str(args.get("users", "")).split(",") if u)
        if not users:
            return {"ok": False, "error": "not_enough_users"}
        if len(users) > 8:
            return {"ok": False, "error": "too_many_users"}
        for user in users:
            if self.state.users and user not in self.state.users:
                return {"ok": False, "error": "user_not_found"}
        prefix = "D" if len(users) == 1 else "G"
        channel = prefix + hashlib.sha1(",".join(users).encode()).hexdigest()[:10].upper()
        already = channel in self.state.channels_opened
        self.state.channels_opened[channel] = users
        body: dict[str, Any] = {"ok": True, "channel": {"id": channel}}
        if already:
            body.update({"no_op": True, "already_open": True})
        return body

    def api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        oldest = float(args.get("oldest", 0) or 0)
        include_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        found = []
        for message in reversed(self.state.messages.get(channel, [])):
            if float(message["ts"]) < oldest:
                continue
            public = {k: v for k, v in message.items() if k != "_args"}
            if not include_metadata:
                public.pop("metadata", None)
            found.append(public)
        return {"ok": True, "messages": found, "has_more": False}

    def api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.state.users.get(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def api_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).lower()
        for user in self.state.users.values():
            if user["profile"].get("email", "").lower() == email:
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def _store_view(self, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or f"V{next(self._view_counter):06d}"
        stored = dict(view, id=view_id, hash=f"hash-{view_id}-{next(self._ts_counter)}")
        self.state.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _view_error(self, args: dict[str, Any]) -> dict[str, Any] | None:
        err = validate_view(args.get("view"))
        if err:
            return {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": [err]}}
        return None

    def _trigger_error(self, args: dict[str, Any]) -> dict[str, Any] | None:
        trigger = str(args.get("trigger_id", ""))
        if not trigger:
            return {"ok": False, "error": "invalid_trigger_id"}
        if trigger in self.state.used_triggers:
            return {"ok": False, "error": "exchanged_trigger_id"}
        self.state.used_triggers.add(trigger)
        return None

    def api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_error(args) or self._trigger_error(args) or self._store_view(args["view"])

    def api_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_error(args) or self._trigger_error(args) or self._store_view(args["view"])

    def api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._view_error(args)
        if error:
            return error
        view_id = args.get("view_id")
        if not view_id:
            external = args.get("external_id")
            view_id = next((v["id"] for v in self.state.views.values() if v.get("external_id") == external), None)
        if view_id not in self.state.views:
            return {"ok": False, "error": "not_found"}
        return self._store_view(args["view"], view_id)

    def api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        error = self._view_error(args)
        if error:
            return error
        return self._store_view(args["view"], f"VHOME{args.get('user_id', '')}")

    def api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ts_counter):06d}"
        return {"ok": True, "upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files") or []
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    # ---- HTTP plumbing --------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(self, status: int, headers: dict[str, str], body: dict[str, Any] | str) -> None:
                raw = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

            def _read(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self) -> None:
                parsed = urlparse(self.path)
                self._api(parsed.path, dict(parse_qsl(parsed.query)))

            def do_POST(self) -> None:
                parsed = urlparse(self.path)
                raw = self._read()
                if parsed.path.startswith("/upload/"):
                    with fake._lock:
                        fake.state.uploads[parsed.path.rsplit("/", 1)[1]] = raw
                    self._send(200, {}, "OK")
                    return
                if parsed.path.startswith("/response/"):
                    with fake._condition:
                        fake.state.responses.append(dict(json.loads(raw or b"{}"), _path=parsed.path))
                        fake._condition.notify_all()
                    self._send(200, {}, "ok")
                    return
                args: dict[str, Any] = dict(parse_qsl(parsed.query))
                content_type = self.headers.get("Content-Type", "")
                if "json" in content_type:
                    args.update(json.loads(raw or b"{}"))
                else:
                    args.update(dict(parse_qsl(raw.decode())))
                self._api(parsed.path, args)

            def _api(self, path: str, args: dict[str, Any]) -> None:
                if not path.startswith("/api/"):
                    self._send(404, {}, {"ok": False, "error": "not_found"})
                    return
                for key in JSON_FIELDS & args.keys():
                    if isinstance(args[key], str):
                        try:
                            args[key] = json.loads(args[key])
                        except ValueError:
                            self._send(200, {}, {"ok": False, "error": "invalid_arguments"})
                            return
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, body = fake._handle(path.removeprefix("/api/"), args, headers)
                self._send(status, extra, body)

        return Handler
