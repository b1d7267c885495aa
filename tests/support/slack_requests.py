"""Sends correctly signed requests to the running bot, exactly as Slack does (real HTTP)."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlparse

from slack_sdk.signature import SignatureVerifier

from tests.support.fake_slack import TEAM_ID

SIGNING_SECRET = "test-signing-secret"


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def text(self) -> str:
        return self.body.decode()


def http_request(
    url: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> HttpResponse:
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        conn.request(method, parsed.path + (f"?{parsed.query}" if parsed.query else ""), body, headers or {})
        response = conn.getresponse()
        return HttpResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


class SlackSender:
    """Signs and posts slash commands, interactivity payloads and Events API callbacks."""

    def __init__(self, bot_url: str, *, response_url: str, signing_secret: str = SIGNING_SECRET) -> None:
        self.events_url = bot_url.rstrip("/") + "/slack/events"
        self.response_url = response_url
        self.verifier = SignatureVerifier(signing_secret)

    def signed_headers(self, body: str, content_type: str, timestamp: int | None = None) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body),
        }

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> HttpResponse:
        all_headers = self.signed_headers(body, content_type)
        all_headers.update(headers or {})
        return http_request(self.events_url, method="POST", body=body.encode(), headers=all_headers)

    def command_body(
        self, text: str, *, user_id: str = "U0001", channel_id: str = "C0001", team_id: str = TEAM_ID
    ) -> str:
        return urlencode(
            {
                "token": "FAKEverificationTOKEN0001",
                "team_id": team_id,
                "team_domain": "example-ws",
                "channel_id": channel_id,
                "channel_name": "general",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": "/mentor",
                "text": text,
                "api_app_id": "A0001",
                "is_enterprise_install": "false",
                "response_url": self.response_url,
                "trigger_id": f"trigger-{time.monotonic_ns()}",
            }
        )

    def command(self, text: str, **kwargs: Any) -> HttpResponse:
        return self.post(self.command_body(text, **kwargs), "application/x-www-form-urlencoded")

    def interactive(self, payload: dict[str, Any]) -> HttpResponse:
        body = "payload=" + quote(json.dumps(payload))
        return self.post(body, "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any], *, event_id: str | None = None, team_id: str = TEAM_ID) -> HttpResponse:
        envelope = {
            "token": "FAKEverificationTOKEN0001",
            "team_id": team_id,
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": team_id, "user_id": "UBOT0001", "is_bot": True, "is_enterprise_install": False}
            ],
            "is_ext_shared_channel": False,
        }
        return self.post(json.dumps(envelope), "application/json")
