"""The safe-contact rules as a pure function: every rule, both directions, every channel."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from oneroof.contacts.safety import Level, check_contact, safe_windows, within
from oneroof.families.models import SafeContactRule

WARSAW = ZoneInfo("Europe/Warsaw")
AT_10 = datetime(2026, 11, 3, 10, 0, tzinfo=WARSAW)
AT_20 = datetime(2026, 11, 3, 20, 0, tzinfo=WARSAW)


def rule(channel: str = "mobile", **flags: object) -> SafeContactRule:
    return SafeContactRule(channel=channel, **flags)  # type: ignore[misc]


def codes(found: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {f.code: f.level.value for f in found}


B, W = "block", "warning"
NO_HOME = {"no_calls_at_home": True}
NO_LETTERS = {"no_letters": True}

TABLE = [
    # (rule, channel, direction, number, at, expected {code: level})
    pytest.param(None, "phone", "out", "home", AT_10, {}, id="no-rules-nothing"),
    pytest.param(rule(**NO_HOME), "phone", "out", "home", AT_10,
                 {"no_calls_at_home": B, "other_channel": W}, id="call-home-forbidden"),
    pytest.param(rule(**NO_HOME), "phone", "out", "mobile", AT_10, {}, id="call-mobile-fine"),
    pytest.param(rule(**NO_HOME), "phone", "in", "home", AT_10, {}, id="incoming-never-blocked"),
    pytest.param(rule(), "phone", "out", "home", AT_10, {"other_channel": W},
                 id="call-home-allowed-but-not-safe-channel"),
    pytest.param(rule(**NO_LETTERS), "letter", "out", "", AT_10,
                 {"no_letters": B, "other_channel": W}, id="letter-forbidden"),
    pytest.param(rule(**NO_LETTERS), "letter", "in", "", AT_10, {}, id="incoming-letter"),
    pytest.param(rule("email"), "letter", "out", "", AT_10, {"other_channel": W},
                 id="letter-allowed-not-safe-channel"),
    pytest.param(rule(**NO_HOME), "home_visit", "out", "", AT_10,
                 {"no_home_visits": B, "other_channel": W}, id="visit-no-calls-at-home"),
    pytest.param(rule("in_person"), "home_visit", "out", "", AT_10,
                 {"centre_only": B, "other_channel": W}, id="visit-centre-only"),
    pytest.param(rule("in_person"), "centre_meeting", "out", "", AT_10, {},
                 id="centre-meeting-centre-only"),
    pytest.param(rule("in_person"), "phone", "out", "mobile", AT_10, {"other_channel": W},
                 id="call-centre-only"),
    pytest.param(rule("email"), "sms", "out", "", AT_10, {"other_channel": W},
                 id="sms-when-email"),
    pytest.param(rule("email"), "email", "out", "", AT_10, {}, id="email-when-email"),
    pytest.param(rule("mobile"), "sms", "out", "", AT_10, {}, id="sms-when-mobile"),
    pytest.param(rule("mobile"), "video", "out", "", AT_10, {"other_channel": W},
                 id="video-when-mobile"),
    pytest.param(rule("institution"), "phone", "out", "mobile", AT_10,
                 {"through_institution": W}, id="direct-call-when-institution"),
    pytest.param(rule("institution"), "email", "out", "", AT_10,
                 {"through_institution": W}, id="direct-email-when-institution"),
    pytest.param(rule("institution"), "centre_meeting", "out", "", AT_10, {},
                 id="centre-meeting-when-institution"),
    pytest.param(rule(hours="9-15"), "phone", "out", "mobile", AT_10, {}, id="within-hours"),
    pytest.param(rule(hours="9-15"), "phone", "out", "mobile", AT_20, {"outside_hours": W},
                 id="outside-hours"),
    pytest.param(rule(hours="9-15"), "phone", "in", "mobile", AT_20, {},
                 id="incoming-outside-hours"),
    pytest.param(rule("email", hours="9-15"), "email", "out", "", AT_20, {},
                 id="email-hours-do-not-matter"),
    pytest.param(rule(hours="8:00-9:00, 19:30–21:00"), "sms", "out", "", AT_20, {},
                 id="second-window"),
    pytest.param(rule(hours="pn-pt po 17"), "phone", "out", "mobile", AT_20,
                 {"hours_unchecked": W}, id="unreadable-hours"),
    pytest.param(rule(**NO_HOME, hours="9-15"), "home_visit", "out", "", AT_20,
                 {"no_home_visits": B, "other_channel": W, "outside_hours": W},
                 id="everything-at-once"),
]  # fmt: skip


@pytest.mark.parametrize(("safe", "channel", "direction", "number", "at", "expected"), TABLE)
def test_findings_of_a_contact(
    safe: SafeContactRule | None,
    channel: str,
    direction: str,
    number: str,
    at: datetime,
    expected: dict[str, str],
) -> None:
    found = check_contact(safe, channel=channel, direction=direction, number=number, at=at)
    assert codes(found) == expected


@pytest.mark.parametrize(
    ("hours", "windows"),
    [
        ("9-15", [(9, 0, 15, 0)]),
        ("16:00–18:30", [(16, 0, 18, 30)]),
        ("w godz. 8.30 — 10", [(8, 30, 10, 0)]),
        ("18-24", [(18, 0, 23, 59)]),
        ("po 17", None),
        ("pn-pt 9-15", None),
        ("15-9", None),
        ("", None),
    ],
)
def test_safe_windows_are_read_only_when_fully_understood(
    hours: str, windows: list[tuple[int, int, int, int]] | None
) -> None:
    read = safe_windows(hours)
    as_tuples = None if read is None else [(s.hour, s.minute, e.hour, e.minute) for s, e in read]
    assert as_tuples == windows


def test_the_end_of_a_window_is_still_within_it() -> None:
    assert within("9-15", datetime(2026, 11, 3, 15, 0, tzinfo=WARSAW)) is True


def test_a_block_is_a_block_level_finding() -> None:
    (finding, *_) = check_contact(rule(**NO_LETTERS), channel="letter", direction="out")
    assert finding.level is Level.BLOCK
    assert finding.blocks
