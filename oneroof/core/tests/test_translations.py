"""The Polish catalogue: complete, compiled, consistent with Django's plural rules.

Polish is the default language of OneRoof, so an untranslated msgid is English text shown to
staff. The checks:

* every entry of ``django.po`` has a translation and none is fuzzy (msgmerge's guess);
* placeholders survive translation (a lost ``%(name)s`` breaks the page at runtime);
* the committed ``django.mo`` agrees with ``django.po`` (someone edited the .po and forgot
  ``compilemessages``);
* the catalogue covers every translatable string in the code: ``makemessages`` is run on a
  copy of the package in a temporary directory, so the repository is never written to. It
  needs GNU gettext; without it the test is skipped locally and fails on CI (``CI`` set).

No database is needed. The .po is read by the small parser below: no extra dependency.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

PACKAGE_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_PATH = LOCALE_DIR / "pl" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
DJANGO_PL_PO = Path(django.__file__).parent / "conf/locale/pl/LC_MESSAGES/django.po"

# The command that maintains the catalogue (run from oneroof/), mirrored by the sync test.
MAKEMESSAGES_OPTIONS = {
    "locale": ["pl"],
    "ignore_patterns": ["tests"],
    "no_obsolete": True,
    "add_location": "file",
}

# Term choices agreed with the team; other tests and the UI rely on them.
REQUIRED_TERMS = {
    "intake worker": "pracownik rejestracji",
    "case manager": "koordynator rodziny (Case Manager)",
    "therapist / specialist": "terapeuta / specjalista",
    "centre coordinator": "koordynator centrum",
    "clinical lead": "kierownik kliniczny",
    "EU-project officer": "specjalista ds. projektu UE",
    "data-protection officer": "inspektor ochrony danych",
    "system administrator": "administrator systemu",
    "external partner": "partner zewnętrzny",
    "Welcome, %(name)s": "Witaj, %(name)s",
    "Audit trail": "Dziennik audytu",
    "Home": "Strona główna",
    "Sign out": "Wyloguj",
    "Account security": "Bezpieczeństwo konta",
    "Skip to main content": "Przejdź do treści głównej",
    "Acting as": "Rola",
    "Language": "Język",
    "Polish": "polski",
    "English": "angielski",
    "Centre page: rooms and team": "Strona centrum: sale i zespół",
    "couples and families working on partner relations": (
        "pary i rodziny pracujące nad relacjami partnerskimi"
    ),
    "families with children under 18 in relational crises": (
        "rodziny z dziećmi do 18 lat w kryzysach relacyjnych"
    ),
    "children under 18 who experienced violence, and their non-offending caregivers": (
        "dzieci do 18 lat, które doświadczyły przemocy, oraz ich niekrzywdzący opiekunowie"
    ),
    "staff member": "pracownik",
    "room": "sala",
    "institution": "instytucja",
    "role in a centre": "rola w centrum",
    "audit event": "zdarzenie audytu",
}


# --- a minimal .po reader ------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"

    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        count = max(self.msgstr_plural, default=0) + 1
        return [self.msgstr_plural.get(n, "") for n in range(count)]


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(literal: str) -> str:
    # PO strings use C escapes (\n, \t, \", \\), which a Python string literal reads the same.
    return ast.literal_eval(literal)


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """Return the header fields and the entries (obsolete ``#~`` entries are left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None
    seen_msgstr = False

    def finish() -> None:
        nonlocal current, flags, target, seen_msgstr
        if current is not None:
            entries.append(current)
        current, flags, target, seen_msgstr = None, set(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if not line:
            finish()
            continue
        if seen_msgstr and line.startswith(("#", "msgctxt ", "msgid ")):
            finish()  # the next entry starts without a blank line in between
        if line.startswith("#"):
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if current is None:
                current = Entry(msgid="", flags=flags, line=number)
            base = keyword.split("[")[0]
            target = (base, int(index) if index is not None else None)
            if base == "msgstr":
                seen_msgstr = True
            if index is not None:
                current.msgstr_plural[int(index)] = _unquote(literal)
            else:
                setattr(current, base, _unquote(literal))
        elif line.startswith('"') and current is not None and target is not None:
            base, index = target
            if index is not None:
                current.msgstr_plural[index] += _unquote(line)
            else:
                setattr(current, base, (getattr(current, base) or "") + _unquote(line))
        else:
            raise ValueError(f"{path}:{number}: cannot parse {raw!r}")
    finish()

    header: dict[str, str] = {}
    messages = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            for item in entry.msgstr.splitlines():
                name, _, value = item.partition(":")
                header[name.strip()] = value.strip()
        else:
            messages.append(entry)
    return header, messages


@pytest.fixture(scope="module")
def catalogue() -> tuple[dict[str, str], list[Entry]]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages -l pl from oneroof/"
    return parse_po(PO_PATH)


# --- (a) the .po itself --------------------------------------------------------------------


def test_catalogue_is_not_empty(catalogue: tuple[dict[str, str], list[Entry]]) -> None:
    _, entries = catalogue
    assert len(entries) > 100


def test_header_declares_polish_with_djangos_plural_forms(
    catalogue: tuple[dict[str, str], list[Entry]],
) -> None:
    header, _ = catalogue
    django_header, _ = parse_po(DJANGO_PL_PO)
    assert header["Language"] == "pl"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    # The same expression as Django's own Polish catalogue, so the catalogues merge into one.
    assert header["Plural-Forms"] == django_header["Plural-Forms"]
    assert header["Plural-Forms"].startswith("nplurals=4;")


def test_every_entry_is_translated_and_none_is_fuzzy(
    catalogue: tuple[dict[str, str], list[Entry]],
) -> None:
    _, entries = catalogue
    fuzzy = [entry.label for entry in entries if "fuzzy" in entry.flags]
    untranslated = [
        entry.label
        for entry in entries
        if not all(entry.translations())
        or (entry.msgid_plural is not None and len(entry.translations()) != 4)
    ]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_the_po_file_has_no_fuzzy_header() -> None:
    text = PO_PATH.read_text(encoding="utf-8")
    head = text.split('msgid ""', 1)[0]
    assert "#, fuzzy" not in head


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")


def _placeholders(text: str) -> list[str]:
    return sorted(
        f"{name or ''}:{conversion}"
        for name, conversion in _PLACEHOLDER.findall(text)
        if conversion != "%"
    )


def test_placeholders_are_kept(catalogue: tuple[dict[str, str], list[Entry]]) -> None:
    _, entries = catalogue
    broken = []
    for entry in entries:
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural is None:
            if _placeholders(entry.msgstr) != _placeholders(entry.msgid):
                broken.append(entry.label)
            continue
        expected = _placeholders(entry.msgid_plural)
        for index, text in enumerate(entry.translations()):
            found = _placeholders(text)
            # The n == 1 form may spell the number out ("one code") instead of %(counter)s.
            ok = set(found) <= set(expected) if index == 0 else found == expected
            if not ok:
                broken.append(f"{entry.label} msgstr[{index}]")
    assert not broken, f"placeholders differ from the msgid: {broken}"


@pytest.mark.parametrize(("msgid", "msgstr"), sorted(REQUIRED_TERMS.items()))
def test_required_term_choices(
    catalogue: tuple[dict[str, str], list[Entry]], msgid: str, msgstr: str
) -> None:
    _, entries = catalogue
    found = {entry.msgid: entry.msgstr for entry in entries if entry.msgctxt is None}
    assert msgid in found, f"{msgid!r} is no longer in the catalogue"
    assert found[msgid] == msgstr


# --- (b) the compiled .mo agrees with the .po ----------------------------------------------


def test_compiled_catalogue_matches_the_po(
    catalogue: tuple[dict[str, str], list[Entry]],
) -> None:
    """What Django serves in Polish is exactly what the .po says (the .mo is up to date)."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run compilemessages from oneroof/"
    _, entries = catalogue
    stale = []
    with translation.override("pl"):
        for entry in entries:
            if entry.msgid_plural is None:
                if entry.msgctxt is None:
                    served = translation.gettext(entry.msgid)
                else:
                    served = translation.pgettext(entry.msgctxt, entry.msgid)
                if served != entry.msgstr:
                    stale.append(f"{entry.label} is served as {served!r}")
                continue
            # n → plural form index under Polish rules: 1 → 0, 2–4 and 22 → 1, 5 and 12 → 2.
            for n, index in ((1, 0), (2, 1), (4, 1), (5, 2), (12, 2), (22, 1), (25, 2)):
                if entry.msgctxt is None:
                    served = translation.ngettext(entry.msgid, entry.msgid_plural, n)
                else:
                    served = translation.npgettext(
                        entry.msgctxt, entry.msgid, entry.msgid_plural, n
                    )
                if served != entry.msgstr_plural.get(index):
                    stale.append(f"{entry.label} (n={n}) is served as {served!r}")
    assert not stale, "django.mo is out of date, run compilemessages:\n" + "\n".join(stale)


def test_english_stays_english() -> None:
    with translation.override("en"):
        assert translation.gettext("Audit trail") == "Audit trail"


# --- (c) the catalogue covers every translatable string in the code ------------------------


def _gettext_tools_available() -> bool:
    return all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq"))


def test_catalogue_covers_every_string_in_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs makemessages on a copy of the package; the copy's .po must need no new work."""
    if not _gettext_tools_available():
        message = "GNU gettext (xgettext, msgmerge) is needed to extract the strings"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: install the gettext package on CI")
        pytest.skip(message)

    copy = tmp_path / "oneroof"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo", "*.sqlite3*"),
    )
    copied_po = copy / PO_PATH.relative_to(PACKAGE_DIR)
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", **MAKEMESSAGES_OPTIONS, stdout=StringIO(), verbosity=0)

    _, committed = parse_po(PO_PATH)
    _, extracted = parse_po(copied_po)
    known = {(entry.msgctxt, entry.msgid) for entry in committed}
    new = sorted(entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in known)
    untranslated = sorted(
        entry.msgid
        for entry in extracted
        if (entry.msgctxt, entry.msgid) in known
        and ("fuzzy" in entry.flags or not all(entry.translations()))
    )
    assert not new and not untranslated, (
        "strings in the code are missing from the Polish catalogue; from oneroof/ run "
        "../manage.py makemessages -l pl -i tests --no-obsolete --add-location=file, "
        "translate, then ../manage.py compilemessages.\n"
        f"new: {new}\nno longer translated: {untranslated}"
    )
