"""Slack's Block Kit limits, kept in one place."""

VIEW_TITLE_MAX = 24
VIEW_BUTTON_TEXT_MAX = 24
VIEW_BLOCKS_MAX = 100
MESSAGE_BLOCKS_MAX = 50
TEXT_OBJECT_MAX = 3000
SECTION_TEXT_MAX = 3000
PLAIN_TEXT_INPUT_MAX = 3000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
PRIVATE_METADATA_MAX = 3000
OPTION_TEXT_MAX = 75
SELECT_OPTIONS_MAX = 100
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
