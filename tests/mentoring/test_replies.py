"""Which lines of a thread reply look like commitments (``mentoring.replies.commitment_lines``)."""

from __future__ import annotations

import pytest

from mentoring.replies import commitment_lines, free_text


@pytest.mark.parametrize(
    "reply",
    [
        "thanks!",
        "Thanks! See you next week :)",
        "Great session, really enjoyed it!",
        "That was really helpful, especially the part about negotiation.",
        "I think the CV part went well.",
        ":tada: :raised_hands:",
        "🙏🙏",
        "Should I read the whole book before next time?",
        "Will you send me the slides?",
        "Hi both!",
        "- Thanks for making time today",
        "I'll see you Thursday!",
        "Book was great btw",
        "",
    ],
)
def test_pleasantries_plain_sentences_questions_and_emoji_are_not_commitments(reply: str) -> None:
    assert commitment_lines(reply) == []


def test_a_list_of_three_commitments_is_offered_line_by_line_without_bullets() -> None:
    reply = (
        "Great chat! My plan:\n- read chapter 3 of Crucial Conversations\n- ask Ana for a mock interview\n"
        "- update my CV"
    )
    assert commitment_lines(reply) == [
        "read chapter 3 of Crucial Conversations",
        "ask Ana for a mock interview",
        "update my CV",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1. Draft the proposal", "Draft the proposal"),
        ("2) book a room for the demo", "book a room for the demo"),
        ("• practise the talk twice", "practise the talk twice"),
        ("I will email Bo about the intro", "I will email Bo about the intro"),
        ("I’ll finish the course by Friday 💪", "I’ll finish the course by Friday 💪"),
        ("I'm going to schedule time with my manager", "I'm going to schedule time with my manager"),
        ("I need to review the design doc", "I need to review the design doc"),
        ("Will share the deck on Monday", "Will share the deck on Monday"),
        ("Set up a weekly learning block", "Set up a weekly learning block"),
        ("call Ana :phone:", "call Ana :phone:"),
    ],
)
def test_list_items_intentions_and_imperatives_are_commitments(line: str, expected: str) -> None:
    assert commitment_lines(line) == [expected]


def test_mixed_reply_offers_only_the_commitments_and_never_the_thanks() -> None:
    reply = (
        "Thanks so much, this was great :blush:\n"
        "The bit about saying no was the most useful.\n"
        "I'll block two hours on Friday for deep work\n"
        "Send Bo the article\n"
        "See you next week!"
    )
    assert commitment_lines(reply) == ["I'll block two hours on Friday for deep work", "Send Bo the article"]


def test_prefixed_lines_are_items_already_and_are_not_offered() -> None:
    reply = "next: read chapter 4\nresource: the Lean Startup\ncontact: intro to Bo\ninfo: the salary bands\n- call Ana"
    assert commitment_lines(reply) == ["call Ana"]


def test_commitments_are_looked_for_in_the_free_text_only() -> None:
    reply = "- call Ana\nnext steps:\n- read chapter 4"
    assert commitment_lines(free_text(reply)) == ["call Ana"]


def test_the_same_line_is_offered_once() -> None:
    assert commitment_lines("- call Ana\n- call Ana") == ["call Ana"]
