"""Thread replies understood, not guessed: which lines of a reply look like commitments, offered to its author.

Free text a member replies in a check-in's thread is kept as their answer (``mentoring.checkins``) but makes
no items by itself. ``commitment_lines`` picks the lines that look like commitments (list items, "I'll …",
"I need to …", an imperative like "read …" or "call …"; never thanks, greetings or questions). They are
offered to the author alone (``offer``); only the lines the author ticks become their items
(``adopt``: once, by the author only). Prefixed lines (``next:``, ``resource:`` …) are items directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from mentoring.checkins import REPLY_PREFIXES, AnswerOutcome, append_reply, parse_reply
from mentoring.followthrough import ITEM_TEXT_MAX, kind_prefix
from mentoring.problems import Problem
from storage.models import CheckIn, CheckInAnswer, Pair, ReplySuggestion

#: At most this many lines are offered (Slack's checkboxes take ten options).
MAX_OFFERED = 10

_BULLET = re.compile(r"^\s*(?:[-*•·–◦▪]|\d{1,2}[.)]|\[\s?\]|☐)\s+")
_EMOJI_CODE = re.compile(r":[a-z0-9_+\-']+:", re.IGNORECASE)
_SYMBOLS = re.compile(r"[^\w\s'’,.!?;:()/&@<>#-]", re.UNICODE)
_ANSWER_PREFIX = re.compile(
    r"^\s*[*_]*(" + "|".join(re.escape(p) for p in sorted(REPLY_PREFIXES, key=len, reverse=True)) + r")[*_]*\s*[:：]",
    re.IGNORECASE,
)
#: Beginnings that say "I commit to this".
_INTENT = re.compile(
    r"^(?:i\s+will|i'll|i\s+shall|i'm\s+going\s+to|i\s+am\s+going\s+to|im\s+going\s+to|i'm\s+gonna|"
    r"i\s+need\s+to|i\s+have\s+to|i\s+plan\s+to|i\s+intend\s+to|i\s+must|i\s+should|i'd\s+like\s+to|"
    r"will|going\s+to|need\s+to|plan\s+to|next\s+i'll|next\s+i\s+will|my\s+next\s+step\s+is|"
    r"this\s+week\s+i'll|by\s+\w+\s+i'll)\b",
    re.IGNORECASE,
)
#: Verbs a commitment often starts with, written as an instruction to oneself ("read chapter 3").
IMPERATIVES = frozenset(
    [
        "read",
        "write",
        "call",
        "send",
        "finish",
        "practise",
        "practice",
        "ask",
        "book",
        "prepare",
        "review",
        "draft",
        "share",
        "schedule",
        "email",
        "e-mail",
        "message",
        "contact",
        "meet",
        "update",
        "research",
        "try",
        "watch",
        "listen",
        "start",
        "complete",
        "submit",
        "apply",
        "register",
        "create",
        "build",
        "outline",
        "rehearse",
        "reply",
        "introduce",
        "find",
        "learn",
        "explore",
        "study",
        "test",
        "fix",
        "organise",
        "organize",
        "list",
        "talk",
        "check",
        "reflect",
        "journal",
        "join",
        "attend",
        "buy",
        "order",
        "pick",
        "choose",
        "decide",
        "collect",
        "gather",
        "record",
        "post",
        "publish",
        "present",
        "sketch",
        "map",
        "plan",
        "follow",
        "reach",
        "set",
        "sign",
        "look",
        "think",
        "block",
        "ping",
        "text",
        "chase",
        "compare",
        "summarise",
        "summarize",
        "polish",
        "refactor",
        "deploy",
        "document",
        "interview",
        "shadow",
        "pair",
        "revisit",
        "rewrite",
        "reread",
    ]
)
#: Words after an imperative that show it was a noun ("book was great", "list is long").
_NOT_AFTER_VERB = frozenset(["is", "was", "were", "are", "has", "had", "been"])
#: Thanks, greetings, sign-offs and feelings: never a commitment.
_PLEASANTRY = re.compile(
    r"\b(?:thanks?|thank\s+you|thx|ty|cheers|appreciated?|grateful|enjoyed|enjoy|loved|great\s+(?:session|chat|call|"
    r"meeting|conversation|talk)|see\s+you|see\s+ya|talk\s+soon|speak\s+soon|catch\s+you|looking\s+forward|"
    r"have\s+a\s+(?:good|great|nice|lovely)|good\s+(?:morning|night|evening|afternoon)|hello|hi|hey|bye|"
    r"goodbye|congrats|congratulations|well\s+done|nice\s+one|haha|lol)\b",
    re.IGNORECASE,
)


def _plain(line: str) -> str:
    """The line without emoji and smart quotes, for judging (not for keeping)."""
    text = line.replace("’", "'").replace("‘", "'")
    text = _EMOJI_CODE.sub(" ", text)
    text = _SYMBOLS.sub(" ", text)
    return " ".join(text.split())


def _looks_like_commitment(body: str, bulleted: bool) -> bool:
    plain = _plain(body)
    if not plain or not re.search(r"[A-Za-z]", plain):
        return False  # emoji only
    if plain.rstrip().endswith("?") or _PLEASANTRY.search(plain):
        return False
    if bulleted:
        return True
    if _INTENT.match(plain):
        return True
    words = plain.lower().split()
    verb = words[0].strip(",.!;:")
    if verb == "set" and len(words) > 1 and words[1] == "up":
        return True
    if verb in IMPERATIVES:
        return not (len(words) > 1 and words[1].strip(",.!;:") in _NOT_AFTER_VERB)
    return False


def commitment_lines(text: str | None) -> list[str]:
    """The lines of a reply that look like commitments, without their bullets, in order, each once.

    A list item ("- …", "1. …", "• …") or a line starting "I will", "I'll", "I'm going to", "I need to",
    "will" or an imperative ("read", "call", "set up" …) counts; thanks, greetings, questions and emoji-only
    lines never do, and neither do prefixed lines (``next:``, ``resource:`` …), which are items already.
    """
    found: list[str] = []
    for raw in (text or "").splitlines():
        if not raw.strip() or _ANSWER_PREFIX.match(raw):
            continue
        bulleted = bool(_BULLET.match(raw))
        body = _BULLET.sub("", raw).strip()
        if not body or kind_prefix(body) or _ANSWER_PREFIX.match(body):
            continue
        if _looks_like_commitment(body, bulleted):
            line = body[:ITEM_TEXT_MAX]
            if line not in found:
                found.append(line)
    return found


def free_text(text: str) -> str:
    """The part of a reply written without a prefix (kept as what was useful), where commitments are looked for."""
    return parse_reply(text).get("useful", "")


def offer(session: Session, *, checkin: CheckIn, user_id: str, text: str, now: datetime) -> ReplySuggestion | None:
    """Remember the lines of the author's reply that look like commitments (None when there are none)."""
    lines = commitment_lines(free_text(text))[:MAX_OFFERED]
    if not lines or checkin.id is None:
        return None
    suggestion = ReplySuggestion(
        team_id=checkin.team_id,
        pair_id=checkin.pair_id,
        checkin_id=checkin.id,
        user_id=user_id,
        lines=json.dumps(lines),
        created_at=now,
    )
    session.add(suggestion)
    session.flush()
    return suggestion


def offered_lines(suggestion: ReplySuggestion) -> list[str]:
    try:
        lines = json.loads(suggestion.lines or "[]")
    except ValueError:
        return []
    return [str(line) for line in lines] if isinstance(lines, list) else []


def suggestion_in_team(session: Session, *, team_id: str, suggestion_id: object) -> ReplySuggestion | None:
    try:
        found = session.get(ReplySuggestion, int(str(suggestion_id)))
    except (TypeError, ValueError):
        return None
    return found if found is not None and found.team_id == team_id else None


@dataclass(frozen=True)
class Adopted:
    lines: list[str]
    outcome: AnswerOutcome | None  # None when nothing was ticked
    checkin: CheckIn
    pair: Pair


def _without_lines(text: str, lines: Sequence[str]) -> str:
    """``text`` without the lines (bullets ignored) that are in ``lines``."""
    drop = set(lines)
    return "\n".join(raw for raw in text.splitlines() if _BULLET.sub("", raw).strip()[:ITEM_TEXT_MAX] not in drop)


def adopt(
    session: Session, *, suggestion: ReplySuggestion, pair: Pair, user_id: str, ticked: Sequence[str], now: datetime
) -> Adopted | Problem:
    """The ticked lines (option values: indexes) become the author's next steps, once; nobody else may do it."""
    if user_id != suggestion.user_id:
        return Problem(f"Only <@{suggestion.user_id}> can choose their next steps from their reply.")
    if suggestion.adopted_at is not None:
        return Problem("Done already — those next steps are in `/mentor actions`.")
    checkin = session.get(CheckIn, suggestion.checkin_id)
    if checkin is None:
        return Problem("I couldn't find those questions any more.")
    offered = offered_lines(suggestion)
    indexes = sorted({int(t) for t in ticked if t.isdigit() and int(t) < len(offered)})
    lines = [offered[i] for i in indexes]
    if not lines:
        return Problem("Tick the lines you commit to first, then press *Make these my next steps*.")
    _move_out_of_useful(session, checkin_id=checkin.id or 0, user_id=user_id, lines=lines)
    outcome = append_reply(
        session,
        checkin=checkin,
        pair=pair,
        user_id=user_id,
        text="\n".join(f"next steps: {line}" for line in lines),
        now=now,
    )
    suggestion.adopted_at = now
    suggestion.lines = "[]"  # what they typed lives in their answer and items now
    session.add(suggestion)
    return Adopted(lines=lines, outcome=outcome, checkin=checkin, pair=pair)


def _move_out_of_useful(session: Session, *, checkin_id: int, user_id: str, lines: Sequence[str]) -> None:
    """The ticked lines leave the author's *useful* answer: they are next steps now, listed once."""
    answer = session.exec(
        select(CheckInAnswer).where(CheckInAnswer.checkin_id == checkin_id, CheckInAnswer.user_id == user_id)
    ).first()
    if answer is not None:
        answer.useful = _without_lines(answer.useful, lines)
        session.add(answer)
