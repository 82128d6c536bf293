"""The safe-contact rules applied to one proposed contact. Pure: no queries, no side effects.

``check_contact(rule, ...)`` returns the findings for one contact with one person:

* **BLOCK** — the contact would break the person's rules and is never saved: an outgoing call
  to a home or landline number when calls at home are forbidden; an outgoing letter when
  letters are forbidden; a home visit to a person who must not be called at home or who may
  be met only in person at the centre.
* **WARNING** — saved only after the author confirms it: an outgoing contact through another
  channel than the person's safe channel (anything direct when the safe channel is the
  referring institution); a contact at a time outside the safe hours, or safe hours that
  cannot be read automatically (staff must check them by eye).

Incoming contacts (the person reached us) are never blocked nor warned about; the page still
shows the rules. A meeting at the centre is the safest place and never departs from a safe
channel: the channel governs how we reach out, not where we meet. Safe hours matter where the
contact reaches the person at a moment (a call, a text, a video call, a home visit), not for
post, e-mail or a meeting at the centre.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from oneroof.families.models import SafeContactRule

from .models import Channel, Direction, Number

SafeChannel = SafeContactRule.Channel

# The contact channels that *are* each safe channel (a centre meeting fits every one).
MATCHING_CHANNELS: dict[str, frozenset[tuple[str, str]]] = {
    SafeChannel.MOBILE: frozenset({(Channel.PHONE, Number.MOBILE), (Channel.SMS, "")}),
    SafeChannel.EMAIL: frozenset({(Channel.EMAIL, "")}),
    SafeChannel.IN_PERSON: frozenset(),
    SafeChannel.THROUGH_INSTITUTION: frozenset(),
}
TIMED_CHANNELS = frozenset({Channel.PHONE, Channel.SMS, Channel.VIDEO, Channel.HOME_VISIT})

# "9-15", "16:00–18:30", "8.30 — 10" …; several ranges may be listed.
_RANGE = re.compile(
    r"(?<!\d)([01]?\d|2[0-4])(?:[:.]([0-5]\d))?\s*[-–—]\s*([01]?\d|2[0-4])(?:[:.]([0-5]\d))?(?!\d)"
)

_FILLER = re.compile(r"\b(godz|godzinach|godzinie|w|od|do|h|i|oraz|lub|or|and|from|to)\b\.?")
_WORDS = re.compile(r"[^\W\d_]")


class Level(enum.StrEnum):
    BLOCK = "block"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    message: str

    @property
    def blocks(self) -> bool:
        return self.level == Level.BLOCK


def safe_windows(hours: str) -> list[tuple[time, time]] | None:
    """The time-of-day ranges written in ``hours``; None when they cannot be read in full.

    Anything beyond ranges of hours (weekdays, "except Fridays", "after 17") is not
    understood, and then nothing is: staff must read such hours themselves."""
    if _WORDS.search(_FILLER.sub(" ", _RANGE.sub(" ", hours.lower()))):
        return None
    windows = []
    for start_h, start_m, end_h, end_m in _RANGE.findall(hours):
        start = _time(start_h, start_m)
        end = _time(end_h, end_m)
        if start is None or end is None or start >= end:
            return None
        windows.append((start, end))
    return windows or None


def _time(hour: str, minute: str) -> time | None:
    h, m = int(hour), int(minute or 0)
    if (h, m) == (24, 0):  # "until 24" means until midnight
        return time(23, 59, 59)
    return time(h, m) if h < 24 else None


def within(hours: str, at: datetime) -> bool | None:
    """Whether ``at`` (local time) falls in the safe hours; None if they cannot be read."""
    windows = safe_windows(hours)
    if windows is None:
        return None
    moment = timezone.localtime(at).time() if timezone.is_aware(at) else at.time()
    return any(start <= moment <= end for start, end in windows)


def check_contact(
    rule: SafeContactRule | None,
    *,
    channel: str,
    direction: str,
    number: str = "",
    at: datetime | None = None,
) -> list[Finding]:
    """The findings for a contact with a person whose rule is ``rule`` (None: no rules)."""
    if rule is None or direction != Direction.OUTGOING:
        return []
    findings = list(_blocks(rule, channel, number))
    findings += _channel_warnings(rule, channel, number)
    if at is not None and rule.hours.strip() and channel in TIMED_CHANNELS:
        findings += _hours_warnings(rule.hours.strip(), at)
    return findings


def block_messages() -> dict[str, str]:
    """The message of each blocking rule, by code (also given to the page's script)."""
    return {
        "no_calls_at_home": _(
            "Calling this person at home is forbidden by their safe-contact rules. "
            "Do not use a home or landline number."
        ),
        "no_letters": _("Sending letters to this person is forbidden by their safe-contact rules."),
        "no_home_visits": _(
            "This person must not be contacted at home, so no home visit is allowed."
        ),
        "centre_only": _(
            "This person may be met only in person at the centre; no home visit is allowed."
        ),
    }


def _blocks(rule: SafeContactRule, channel: str, number: str) -> Iterable[Finding]:
    codes = []
    if channel == Channel.PHONE and number == Number.HOME and rule.no_calls_at_home:
        codes.append("no_calls_at_home")
    if channel == Channel.LETTER and rule.no_letters:
        codes.append("no_letters")
    if channel == Channel.HOME_VISIT and rule.no_calls_at_home:
        codes.append("no_home_visits")
    if channel == Channel.HOME_VISIT and rule.channel == SafeChannel.IN_PERSON:
        codes.append("centre_only")
    messages = block_messages()
    for code in codes:
        yield Finding(Level.BLOCK, code, messages[code])


def _channel_warnings(rule: SafeContactRule, channel: str, number: str) -> Iterable[Finding]:
    if channel == Channel.CENTRE_MEETING:
        return
    used = (channel, number if channel == Channel.PHONE else "")
    if used in MATCHING_CHANNELS.get(rule.channel, frozenset()):
        return
    if rule.channel == SafeChannel.THROUGH_INSTITUTION:
        yield Finding(
            Level.WARNING,
            "through_institution",
            _("This person should be contacted only through the referring institution."),
        )
        return
    yield Finding(
        Level.WARNING,
        "other_channel",
        _("The safe channel for this person is: %(channel)s. This contact uses another one.")
        % {"channel": rule.get_channel_display()},
    )


def _hours_warnings(hours: str, at: datetime) -> Iterable[Finding]:
    inside = within(hours, at)
    if inside is None:
        yield Finding(
            Level.WARNING,
            "hours_unchecked",
            _(
                "The safe hours (%(hours)s) cannot be checked automatically; make sure the "
                "contact is within them."
            )
            % {"hours": hours},
        )
    elif not inside:
        yield Finding(
            Level.WARNING,
            "outside_hours",
            _("The contact is outside the person's safe hours (%(hours)s).") % {"hours": hours},
        )
