"""Instrument definitions as data files, and the check that one is well-formed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import scoring

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instruments"
NORR_P_V1 = INSTRUMENT_DIR / "norr-p-v1.json"
REQUIRED = ("code", "version", "is_proposal", "title", "forms", "scales", "domains", "items",
            "scoring", "recommendations")  # fmt: skip


def read_definition(path: Path) -> dict[str, Any]:
    definition: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    check_definition(definition)
    return definition


def checksum(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_definition(definition: dict[str, Any]) -> None:
    """Raise ``ValueError`` naming the first problem; scoring relies on these facts."""
    missing = [key for key in REQUIRED if key not in definition]
    if missing:
        raise ValueError(f"missing keys: {missing}")
    domains = {d["code"] for d in definition["domains"]}
    ids = [item["id"] for item in definition["items"]]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate item ids")
    for item in definition["items"]:
        if item["domain"] not in domains:
            raise ValueError(f"{item['id']}: unknown domain {item['domain']}")
        if item["scale"] not in definition["scales"]:
            raise ValueError(f"{item['id']}: unknown scale {item['scale']}")
        if not {"pl", "en"} <= item["text"].keys():
            raise ValueError(f"{item['id']}: needs Polish and English text")
        if (
            item["scale"] == "flag"
            and item.get("red_flag") not in definition["scales"]["flag"]["values"]
        ):
            raise ValueError(f"{item['id']}: every flag item is a red flag; name its answer")
    for form, spec in definition["forms"].items():
        if isinstance(spec["items"], list) and set(spec["items"]) - set(ids):
            unknown = sorted(set(spec["items"]) - set(ids))
            raise ValueError(f"form {form}: unknown items {unknown}")
        if not scoring.items_for_form(definition, form):
            raise ValueError(f"form {form} has no items")
    empty = scoring.Outcome(scoring.SCORER_VERSION, (), (), None)
    for rule in definition["recommendations"]:
        if not {"code", "text", "when"} <= rule.keys() or not {"pl", "en"} <= rule["text"].keys():
            raise ValueError(
                f"recommendation {rule.get('code')}: needs a code, Polish and English text "
                "and a condition"
            )
        scoring.recommend({"recommendations": [rule]}, empty, scoring.FamilyContext())
    _score_every_form(definition)


def _score_every_form(definition: dict[str, Any]) -> None:
    """Score each form with every item at its lowest and at its highest answer: a missing
    scoring parameter must fail here, before publication, not at the first completion of a
    version that can no longer be corrected."""
    try:
        for form in definition["forms"]:
            items = scoring.items_for_form(definition, form)
            for pick in (0, -1):
                answers = {i["id"]: definition["scales"][i["scale"]]["values"][pick] for i in items}
                outcome = scoring.score(definition, form, answers)
                scoring.discrepancy(definition, outcome, outcome)
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise ValueError(f"scoring fails on this definition: {error!r}") from error
