"""Hashing and verification of the audit chain. Pure functions over plain values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of an event's content and the previous hash."""
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=_json_default,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        # Microsecond UTC ISO form: what both SQLite and PostgreSQL give back unchanged.
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return str(value)


HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "role",
    "centre_ref",
    "centre_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "changes",
    "reason",
    "ip_address",
)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "missing", "tampered", "broken_link", "truncated"
    detail: str


def verify(rows: Iterable[dict[str, Any]], head_seq: int, head_hash: str) -> ChainProblem | None:
    """Walk the rows in ``seq`` order and return the first problem, or None if intact."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            return ChainProblem(expected_seq, "missing", f"expected #{expected_seq}, found #{seq}")
        if row["prev_hash"] != prev_hash:
            return ChainProblem(seq, "broken_link", "previous-hash link does not match")
        fields = {name: row[name] for name in HASHED_FIELDS}
        if event_hash(fields, prev_hash) != row["hash"]:
            return ChainProblem(seq, "tampered", "content does not match its hash")
        prev_hash = row["hash"]
        expected_seq += 1
    last_seq = expected_seq - 1
    if last_seq < head_seq:
        return ChainProblem(last_seq + 1, "truncated", f"chain head says #{head_seq}")
    if last_seq and head_hash != prev_hash:
        return ChainProblem(last_seq, "tampered", "chain head hash does not match")
    return None
