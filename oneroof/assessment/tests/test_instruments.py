"""The instrument as data: the shipped NORR-P v1 file, its check, and publishing versions that
never change once published."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from oneroof.assessment import instruments, services
from oneroof.assessment.models import ImmutableError, InstrumentVersion
from oneroof.audit.models import AuditEvent

DEFINITION = instruments.read_definition(instruments.NORR_P_V1)
ITEMS = {item["id"]: item for item in DEFINITION["items"]}


def write(tmp_path: Path, definition: dict[str, Any], name: str = "norr-p.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    return path


def revised(version: str = "1") -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    definition["version"] = version
    definition["items"][0]["text"]["en"] = "Reworded by the partners"
    return definition


# --- the shipped file -------------------------------------------------------------------------


def test_the_shipped_definition_passes_the_check() -> None:
    instruments.check_definition(json.loads(instruments.NORR_P_V1.read_text(encoding="utf-8")))


def test_the_shipped_definition_has_53_items_in_10_domains() -> None:
    assert (len(DEFINITION["items"]), len(DEFINITION["domains"])) == (53, 10)


def test_every_item_has_polish_and_english_text() -> None:
    missing = [i for i, item in ITEMS.items() if not (item["text"]["pl"] and item["text"]["en"])]
    assert missing == []


def test_every_flag_item_is_a_red_flag() -> None:
    flags = {i: item.get("red_flag") for i, item in ITEMS.items() if item["scale"] == "flag"}
    assert set(flags.values()) == {"yes"}


def test_physical_force_sometimes_or_more_is_a_red_flag() -> None:
    assert ITEMS["S1"]["red_flag_at"] == 2


def test_exactly_e5_e6_and_d4_are_reverse_scored() -> None:
    assert {i for i, item in ITEMS.items() if item["reverse"]} == {"E5", "E6", "D4"}


def test_the_teen_items_are_the_ones_norr_marks_teen() -> None:
    teen = {i for i, item in ITEMS.items() if item["teen"]}
    assert teen == {"P2", "P4", "A1", "A3", "H1", "H2", "T2", "T3", "R1"}


def test_only_the_resources_domain_is_protective() -> None:
    assert [d["code"] for d in DEFINITION["domains"] if d["kind"] == "protective"] == ["R"]


def test_the_shipped_definition_is_marked_as_a_proposal() -> None:
    assert (DEFINITION["code"], DEFINITION["version"], DEFINITION["is_proposal"]) == (
        "NORR-P",
        "1",
        True,
    )


# --- the check --------------------------------------------------------------------------------


def item_of(definition: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(item for item in definition["items"] if item["id"] == item_id)


def _broken(change: Any) -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    change(definition)
    return definition


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("scoring"), "missing keys"),
        (lambda d: d["items"].append(copy.deepcopy(d["items"][0])), "duplicate item ids"),
        (lambda d: d["items"][0].update(domain="X"), "unknown domain"),
        (lambda d: d["items"][0].update(scale="likert"), "unknown scale"),
        (lambda d: d["items"][0]["text"].pop("pl"), "Polish and English"),
        (lambda d: d["forms"]["child"].update(items=[]), "form child has no items"),
        (lambda d: d["recommendations"][0].update(when={"moon": "full"}), "condition: moon"),
    ],
)
def test_the_check_names_the_first_problem(change: Any, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        instruments.check_definition(_broken(change))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: item_of(d, "S2").pop("red_flag"), "S2: .*red flag"),
        (lambda d: item_of(d, "H2").update(red_flag="tak"), "H2: .*red flag"),
        (lambda d: d["forms"]["child"]["items"].append("Z9"), "form child: unknown items"),
        (lambda d: d["scoring"].pop("bands"), "scoring"),
        (lambda d: d["scoring"].pop("min_answered_ratio"), "scoring"),
        (lambda d: d["scoring"].pop("elevated_domains_to_raise_overall"), "scoring"),
        (lambda d: d["scoring"].pop("asymmetry_gap"), "scoring"),
        (lambda d: d["recommendations"][0].pop("text"), "recommendation safety_plan"),
    ],
)
def test_the_check_refuses_what_would_only_fail_after_publication(
    change: Any, problem: str
) -> None:
    # A published version never changes: a definition that cannot be scored, or whose flag
    # items raise no red flag, must be refused before publication, not at the first result.
    with pytest.raises(ValueError, match=problem):
        instruments.check_definition(_broken(change))


# --- publishing -------------------------------------------------------------------------------


def test_the_migration_published_norr_p_v1(db: None) -> None:
    assert InstrumentVersion.objects.filter(code="NORR-P", version="1", is_proposal=True).exists()


def test_the_published_v1_matches_the_data_file_checksum(db: None) -> None:
    # Guards the data file: an edit to norr-p-v1.json after publication fails here.
    published = InstrumentVersion.objects.get(code="NORR-P", version="1")
    assert published.checksum == instruments.checksum(DEFINITION)
    assert instruments.checksum(published.definition) == published.checksum


def test_publishing_the_same_file_again_changes_nothing(db: None) -> None:
    before = InstrumentVersion.objects.get(code="NORR-P", version="1")
    version, created = services.publish_instrument(path=instruments.NORR_P_V1)
    assert (version.pk, created, InstrumentVersion.objects.count()) == (before.pk, False, 1)


def test_a_changed_file_under_a_published_version_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="new version"):
        services.publish_instrument(path=write(tmp_path, revised("1")))
    assert InstrumentVersion.objects.get(version="1").checksum == instruments.checksum(DEFINITION)


def test_a_new_version_is_published_beside_the_old_one(db: None, tmp_path: Path) -> None:
    version, created = services.publish_instrument(path=write(tmp_path, revised("2")))
    assert created
    assert sorted(InstrumentVersion.objects.values_list("version", flat=True)) == ["1", "2"]
    assert services.current_version() == version


def test_publishing_a_version_is_audited(db: None, tmp_path: Path) -> None:
    version, _ = services.publish_instrument(path=write(tmp_path, revised("2")))
    event = AuditEvent.objects.get(action="assessment.instrument_published")
    assert (event.target_id, event.actor_id) == (str(version.pk), None)


def test_an_invalid_file_is_not_published(db: None, tmp_path: Path) -> None:
    definition = revised("2")
    definition["items"][0]["domain"] = "X"
    with pytest.raises(ValueError, match="unknown domain"):
        services.publish_instrument(path=write(tmp_path, definition))
    assert not InstrumentVersion.objects.filter(version="2").exists()


def test_a_published_version_cannot_be_saved_again(db: None) -> None:
    published = InstrumentVersion.objects.get(code="NORR-P", version="1")
    published.is_proposal = False
    with pytest.raises(ImmutableError):
        published.save()
    assert InstrumentVersion.objects.get(pk=published.pk).is_proposal


def test_a_published_version_cannot_be_deleted(db: None) -> None:
    published = InstrumentVersion.objects.get(code="NORR-P", version="1")
    with pytest.raises(ImmutableError):
        published.delete()
    assert InstrumentVersion.objects.filter(pk=published.pk).exists()
