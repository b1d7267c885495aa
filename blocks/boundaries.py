"""Block Kit for boundaries: the modal, the proposal with Agree / Propose changes, and the agreed summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    input_block,
    modal,
    option,
    picker_element,
    plain,
    section,
    select_element,
    text_element,
)
from blocks.format import escape_mrkdwn, slack_date
from blocks.limits import SECTION_TEXT_MAX, clip
from blocks.metadata import encode
from mentoring.boundaries import (
    MAX_DURATION,
    MIN_DURATION,
    OPTIONAL,
    TEXT_LIMITS,
    ZONE_FIELDS,
    canonical_zone,
    weekday_name,
)
from mentoring.meeting_series import FREQUENCIES, WEEKDAYS
from storage.models import Boundaries, Pair

BOUNDARIES_CALLBACK = "boundaries_submit"
OPEN_ACTION = "boundaries_open"
AGREE_ACTION = "boundaries_agree"
CHANGE_ACTION = "boundaries_change"
ICS_FILENAME = "mentoring.ics"

FREQUENCY_LABELS = {
    "weekly": "Every week",
    "biweekly": "Every two weeks",
    "monthly": "Monthly (same week of the month, e.g. 2nd Tuesday)",
}
MULTILINE = frozenset({"mentor_role", "mentee_role", "expectations", "scope_in", "scope_out", "notes"})
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
#: The time zones offered in the form (most used first by region); the members' own and agreed zones are added.
COMMON_ZONES: dict[str, tuple[str, ...]] = {
    "Americas": (
        "America/Anchorage",
        "America/Argentina/Buenos_Aires",
        "America/Bogota",
        "America/Caracas",
        "America/Chicago",
        "America/Denver",
        "America/Edmonton",
        "America/Halifax",
        "America/Havana",
        "America/Guatemala",
        "America/La_Paz",
        "America/Lima",
        "America/Los_Angeles",
        "America/Mexico_City",
        "America/Montevideo",
        "America/New_York",
        "America/Panama",
        "America/Phoenix",
        "America/Puerto_Rico",
        "America/Santiago",
        "America/Santo_Domingo",
        "America/Sao_Paulo",
        "America/St_Johns",
        "America/Toronto",
        "America/Vancouver",
        "America/Winnipeg",
        "Pacific/Honolulu",
    ),
    "Europe": (
        "Atlantic/Reykjavik",
        "Europe/Amsterdam",
        "Europe/Athens",
        "Europe/Belgrade",
        "Europe/Berlin",
        "Europe/Brussels",
        "Europe/Bucharest",
        "Europe/Budapest",
        "Europe/Copenhagen",
        "Europe/Dublin",
        "Europe/Helsinki",
        "Europe/Istanbul",
        "Europe/Kyiv",
        "Europe/Lisbon",
        "Europe/London",
        "Europe/Madrid",
        "Europe/Moscow",
        "Europe/Oslo",
        "Europe/Paris",
        "Europe/Prague",
        "Europe/Rome",
        "Europe/Sofia",
        "Europe/Stockholm",
        "Europe/Vienna",
        "Europe/Warsaw",
        "Europe/Zurich",
    ),
    "Africa": (
        "Africa/Accra",
        "Africa/Addis_Ababa",
        "Africa/Algiers",
        "Africa/Cairo",
        "Africa/Casablanca",
        "Africa/Dar_es_Salaam",
        "Africa/Johannesburg",
        "Africa/Kampala",
        "Africa/Kinshasa",
        "Africa/Lagos",
        "Africa/Nairobi",
        "Africa/Tunis",
    ),
    "Asia and Middle East": (
        "Asia/Almaty",
        "Asia/Baghdad",
        "Asia/Bangkok",
        "Asia/Colombo",
        "Asia/Dhaka",
        "Asia/Dubai",
        "Asia/Ho_Chi_Minh",
        "Asia/Hong_Kong",
        "Asia/Jakarta",
        "Asia/Jerusalem",
        "Asia/Karachi",
        "Asia/Kathmandu",
        "Asia/Kolkata",
        "Asia/Kuala_Lumpur",
        "Asia/Manila",
        "Asia/Riyadh",
        "Asia/Seoul",
        "Asia/Shanghai",
        "Asia/Singapore",
        "Asia/Taipei",
        "Asia/Tashkent",
        "Asia/Tehran",
        "Asia/Tokyo",
        "Asia/Yangon",
    ),
    "Oceania": (
        "Australia/Adelaide",
        "Australia/Brisbane",
        "Australia/Perth",
        "Australia/Sydney",
        "Pacific/Auckland",
        "Pacific/Fiji",
        "Pacific/Guam",
    ),
    "Other": ("UTC",),
}
REGION_OF_AREA = {
    "America": "Americas",
    "Atlantic": "Europe",
    "Europe": "Europe",
    "Africa": "Africa",
    "Asia": "Asia and Middle East",
    "Indian": "Asia and Middle East",
    "Australia": "Oceania",
    "Pacific": "Oceania",
}


def _input(block_id: str, label: str, element: dict[str, Any], *, hint: str | None = None) -> Block:
    """Each input's element has its block's id as action id; optional ones are named in ``mentoring.boundaries``."""
    return input_block(block_id, label, {**element, "action_id": block_id}, hint=hint, optional=block_id in OPTIONAL)


def _select(block_id: str, label: str, options: Sequence[tuple[str, str]], value: str | None) -> Block:
    return _input(block_id, label, select_element(block_id, list(options), initial=value))


def zone_label(zone: str) -> str:
    """``America/Argentina/Buenos_Aires`` → ``Buenos Aires (America/Argentina)``: the city first, to type ahead."""
    area, _, city = zone.rpartition("/")
    name = city.replace("_", " ")
    return f"{name} ({area})" if area else name


def zone_groups(extra: Sequence[str]) -> list[dict[str, Any]]:
    """``option_groups`` of the common zones and the known ``extra`` ones, each once, by region and city."""
    regions: dict[str, set[str]] = {region: set(zones) for region, zones in COMMON_ZONES.items()}
    offered = set().union(*regions.values())
    for value in extra:
        zone = canonical_zone(value)
        if zone is not None and zone not in offered:
            region = REGION_OF_AREA.get(zone.partition("/")[0], "Other")
            regions[region].add(zone)
            offered.add(zone)
    return [
        {"label": plain(region), "options": [option(zone_label(z), z) for z in sorted(zones, key=zone_label)]}
        for region, zones in regions.items()
        if zones
    ]


def _zone(block_id: str, label: str, value: str | None, groups: list[dict[str, Any]], *, hint: str) -> Block:
    element: dict[str, Any] = {
        "type": "static_select",
        "placeholder": plain("Choose a time zone (type a city)"),
        "option_groups": groups,
    }
    zone = canonical_zone(value or "")
    if zone is not None:
        element["initial_option"] = option(zone_label(zone), zone)
    return _input(block_id, label, element, hint=hint)


def _time(block_id: str, label: str, value: str | None) -> Block:
    return _input(block_id, label, picker_element("timepicker", block_id, initial=value, placeholder="Pick a time"))


def _text(block_id: str, label: str, value: str | None, *, hint: str | None = None, placeholder: str = "") -> Block:
    element = text_element(
        block_id,
        max_length=TEXT_LIMITS[block_id],
        multiline=block_id in MULTILINE,
        initial=value,
        placeholder=placeholder,
    )
    return _input(block_id, label, element, hint=hint)


def _who(pair: Pair, viewer: str, role: str) -> str:
    you = " (you)" if pair.role_of(viewer) == role else ""
    return f"{role.capitalize()}{you}"


def boundaries_modal(
    pair: Pair,
    viewer: str,
    values: Mapping[str, str],
    *,
    intro: str,
    based_on: int | None = None,
    extra_zones: Sequence[str] = (),
) -> dict[str, Any]:
    """The boundaries form, pre-filled with ``values`` (a proposal to change, or sensible defaults).

    Scheduling first (when, and when to reach each member, zones chosen from a list that always holds the
    pre-filled zones and ``extra_zones``), then the optional details, filled in with defaults.
    """
    duration: dict[str, Any] = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": str(MIN_DURATION),
        "max_value": str(MAX_DURATION),
    }
    if values.get("duration_minutes"):
        duration["initial_value"] = values["duration_minutes"]
    groups = zone_groups([*(values.get(field) or "" for field in ZONE_FIELDS), *extra_zones])
    zone_hint = "Type a city to find another zone."
    blocks: list[Block] = [
        section(intro),
        header("When you meet"),
        _select("frequency", "How often", list(FREQUENCY_LABELS.items()), values.get("frequency")),
        _select("weekday", "Day", [(str(i), day) for i, day in enumerate(WEEKDAYS)], values.get("weekday")),
        _time("start_time", "Start time", values.get("start_time")),
        _input("duration_minutes", "Length (minutes)", duration, hint=f"From {MIN_DURATION} to {MAX_DURATION}."),
        _zone(
            "timezone",
            "Time zone of the start time",
            values.get("timezone"),
            groups,
            hint="Each of you will see the dates in your own time.",
        ),
        header("When to reach each other"),
    ]
    for role in ("mentor", "mentee"):
        who = _who(pair, viewer, role)
        blocks += [
            _time(f"{role}_contact_start", f"{who}: contact hours from", values.get(f"{role}_contact_start")),
            _time(f"{role}_contact_end", f"{who}: contact hours until", values.get(f"{role}_contact_end")),
            _zone(f"{role}_tz", f"{who}: time zone of those hours", values.get(f"{role}_tz"), groups, hint=zone_hint),
        ]
    blocks += [
        divider(),
        header("More details (optional)"),
        context("Optional — defaults are filled in. Change what you like; a field left empty keeps its default."),
        _text(
            "location",
            "Where",
            values.get("location"),
            hint="A video link (https://…) or a place.",
            placeholder="https://meet.example.com/abc or Café Central, 2nd floor",
        ),
        _text(
            "contact_method",
            "Preferred contact method",
            values.get("contact_method"),
            placeholder="e.g. Slack, right here in our DM; phone only if urgent",
        ),
        _text("mentor_role", "Role of the mentor", values.get("mentor_role"), placeholder="e.g. listen, ask, share"),
        _text("mentee_role", "Role of the mentee", values.get("mentee_role"), placeholder="e.g. set the agenda"),
        _text("expectations", "What we expect of each other", values.get("expectations")),
        _text("scope_in", "In scope: what we work on", values.get("scope_in")),
        _text("scope_out", "Out of scope", values.get("scope_out")),
        _text("notes", "Notes", values.get("notes")),
    ]
    return modal(
        "Propose changes" if based_on else "Boundaries",
        blocks,
        callback_id=BOUNDARIES_CALLBACK,
        submit="Propose",
        private_metadata=encode(pair_id=pair.id, based_on=based_on),
    )


def when_text(b: Boundaries) -> str:
    day = weekday_name(b.weekday)
    if b.frequency == "monthly":
        if b.first_meeting_on is not None:
            nth = ORDINALS.get(min((b.first_meeting_on.day - 1) // 7 + 1, 4), "")
            how = f"Monthly on the {nth} {day}"
        else:
            how = f"Monthly on a {day} (same week of the month)"
    else:
        how = f"{FREQUENCIES.get(b.frequency, b.frequency)} on {day}"
    return f"{how} at {b.start_time} ({b.timezone}), {b.duration_minutes} minutes"


def _field(label: str, value: str) -> Block:
    prefix = f"*{label}:* "
    return section(prefix + clip(escape_mrkdwn(value), SECTION_TEXT_MAX - len(prefix)))


def fields_blocks(pair: Pair, b: Boundaries) -> list[Block]:
    """The boundaries themselves, one short section per topic (user text escaped)."""
    blocks = [
        section(f"*When:* {escape_mrkdwn(when_text(b))}"),
        _field("Where", b.location),
        _field("Contact", b.contact_method),
        section(
            "*Contact hours:*\n"
            f"• <@{pair.mentor_id}> (mentor): {b.mentor_contact_start}–{b.mentor_contact_end} "
            f"({escape_mrkdwn(b.mentor_tz)})\n"
            f"• <@{pair.mentee_id}> (mentee): {b.mentee_contact_start}–{b.mentee_contact_end} "
            f"({escape_mrkdwn(b.mentee_tz)})"
        ),
        _field("Role of the mentor", b.mentor_role),
        _field("Role of the mentee", b.mentee_role),
        _field("Expectations", b.expectations),
        _field("In scope", b.scope_in),
    ]
    if b.scope_out:
        blocks.append(_field("Out of scope", b.scope_out))
    if b.notes:
        blocks.append(_field("Notes", b.notes))
    return blocks


def proposal_blocks(pair: Pair, b: Boundaries) -> list[Block]:
    other = pair.other_member(b.proposed_by)
    value = str(b.id)
    return [
        header(f"Boundaries proposal · version {b.version}"),
        section(
            f"<@{b.proposed_by}> proposes these boundaries. <@{other}>, do they work for you? "
            "*Agree* puts them in force; *Propose changes* opens them for you to adjust."
        ),
        *fields_blocks(pair, b),
        actions(
            button("Agree", AGREE_ACTION, value, style="primary"),
            button("Propose changes", CHANGE_ACTION, value),
            block_id="boundaries_proposal",
        ),
    ]


def proposal_text(b: Boundaries) -> str:
    return f"<@{b.proposed_by}> proposes boundaries (version {b.version}): {when_text(b)}."


def proposal_closed_blocks(pair: Pair, b: Boundaries, status: str) -> list[Block]:
    """The proposal message once answered: the same content, no buttons, and what happened."""
    return [
        header(f"Boundaries proposal · version {b.version}"),
        section(f"<@{b.proposed_by}> proposed these boundaries."),
        *fields_blocks(pair, b),
        context(status),
    ]


def agreed_status(b: Boundaries) -> str:
    when = slack_date(b.agreed_at, tz=b.timezone) if b.agreed_at else "just now"
    return f":white_check_mark: Agreed by <@{b.agreed_by}> on {when}. These boundaries are in force."


def replaced_status(newer: Boundaries) -> str:
    return f":arrows_counterclockwise: Replaced by version {newer.version}, proposed by <@{newer.proposed_by}>."


def agreed_blocks(pair: Pair, b: Boundaries, next_starts: Sequence[datetime]) -> list[Block]:
    """The agreed boundaries with the next meetings shown in each reader's own time."""
    dates = "\n".join(f"• {slack_date(start, tz=b.timezone)}" for start in next_starts) or "• (none scheduled)"
    return [
        header("Your agreed boundaries"),
        section(
            f"<@{b.agreed_by}> agreed to <@{b.proposed_by}>'s proposal (version {b.version}). "
            "These are now in force for both of you."
        ),
        *fields_blocks(pair, b),
        section(f"*Next meetings* (shown in your own time zone):\n{dates}"),
        context(
            f"Add the whole series to your calendar with `{ICS_FILENAME}` below. "
            "To change anything, press *Propose changes*; the other person confirms again."
        ),
        actions(button("Propose changes", CHANGE_ACTION, str(b.id)), block_id="boundaries_agreed"),
    ]


def agreed_text(b: Boundaries) -> str:
    return f"Boundaries agreed (version {b.version}): {when_text(b)}."


def modal_intro(pair: Pair, viewer: str, current: Boundaries | None, source: Boundaries | None = None) -> str:
    """What the member is about to do, given the version standing now (and the one they start from)."""
    other = pair.other_member(viewer)
    if source is not None and current is not None and source.id != current.id:
        return (
            f"You're changing version {source.version}. Version {current.version}, proposed by "
            f"<@{current.proposed_by}>, is still waiting for an answer; proposing replaces it."
        )
    if current is None:
        return (
            "Propose how you'll work together: when you meet and when to reach each of you is all that's "
            f"needed; the details below are filled in. I'll post your proposal in your pair DM, where <@{other}> "
            "can agree or propose changes."
        )
    if current.status == "proposed" and current.proposed_by == viewer:
        return f"You proposed version {current.version}; <@{other}> hasn't answered yet. Proposing again replaces it."
    if current.status == "proposed":
        return (
            f"<@{other}> proposed version {current.version} (filled in below). If it works for you, press *Agree* "
            "on the proposal in your pair DM; or change it here and propose your version."
        )
    return f"Version {current.version} is agreed and in force. Change what you need; <@{other}> confirms again."
