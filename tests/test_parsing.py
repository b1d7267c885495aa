"""Mentions and subcommands as users type them."""

from handlers.parsing import parse_mentions, split_command


def test_both_mention_forms_are_understood() -> None:
    assert parse_mentions("<@U0002|ann> <@U0003>") == ["U0002", "U0003"]
    assert parse_mentions("<@W0ABC|name with spaces>and<@U9>") == ["W0ABC", "U9"]


def test_plain_at_names_are_not_mentions() -> None:
    assert parse_mentions("@ann @bob") == []
    assert parse_mentions("<#C0001|general> <!here>") == []


def test_subcommand_is_split_and_lower_cased() -> None:
    assert split_command("  PAIR <@U1> <@U2> ") == ("pair", "<@U1> <@U2>")
    assert split_command("") == ("", "")
    assert split_command(None) == ("", "")
