"""Angry in its forms: how often each form of a posed angry face is read as angry.

Anger is posed two ways (EXPRESSIONS.md; FACS AU4 + AU5/7 with AU23/24 or with an open,
shouting mouth, AU25/26/27): lips pressed together, or mouth open. The children's set codes
the form of each angry image (`meta.csv`, `variant`: mouth_open / mouth_closed); the adults'
sets do not, so every angry face is also put in a form by its measured lip gap
(`geo_mouth_open`, the gap between the inner lips over the mouth width): *pressed* below
`PRESSED_LIPS_GAP`, *parted or open* above it. (Measured on the dev sets: the adults' angry
faces have a median gap of 0.004-0.008, the children's coded mouth_closed 0.24 and
mouth_open 0.53: a "closed" child's anger mostly bares the teeth.)
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from game.expressions import Expression
from game.vision.features import FEATURE_NAMES

PRESSED_LIPS_GAP = 0.1
ANGRY = Expression.ANGRY.value
META_FILE = "meta.csv"


def coded_variants(data_dirs: Sequence[Path]) -> dict[Path, str]:
    """Image path -> the data set's own form code (`meta.csv` `variant`), where a folder
    has one."""
    out: dict[Path, str] = {}
    for folder in data_dirs:
        meta = Path(folder) / META_FILE
        if not meta.is_file():
            continue
        with meta.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("file") and row.get("variant"):
                    out[(Path(folder) / row["file"]).resolve()] = row["variant"]
    return out


def measured_form(features: np.ndarray) -> np.ndarray:
    """"pressed" or "parted/open" per row of (N, F) features, by the lip gap."""
    gap = np.asarray(features)[:, FEATURE_NAMES.index("geo_mouth_open")]
    return np.where(gap < PRESSED_LIPS_GAP, "pressed", "parted/open")


def angry_forms(
    features: np.ndarray,
    labels: Sequence[str],
    datasets: Sequence[str],
    paths: Sequence[Path],
    probabilities: np.ndarray,
    classes: Sequence[str],
    variants: dict[Path, str],
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per data set and form of the posed angry faces: n, recall of angry and what the
    faces were read as (shares of the arg-max classes)."""
    truth = np.asarray(labels)
    sets = np.asarray(datasets)
    predicted = np.asarray(classes)[np.asarray(probabilities).argmax(axis=1)]
    measured = measured_form(features)
    coded = np.array([variants.get(Path(p).resolve(), "") for p in paths])
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name in dict.fromkeys(datasets):
        angry = (sets == name) & (truth == ANGRY)
        if not angry.any():
            continue
        groups = {f"measured {m}": angry & (measured == m) for m in ("pressed", "parted/open")}
        for code in sorted(set(coded[angry]) - {""}):
            groups[f"coded {code}"] = angry & (coded == code)
        out[name] = {}
        for form, mask in groups.items():
            if not mask.any():
                continue
            reads = {c: float((predicted[mask] == c).mean()) for c in classes}
            out[name][form] = {
                "n": int(mask.sum()),
                "recall": reads.get(ANGRY, 0.0),
                "read_as": {c: v for c, v in reads.items() if v > 0},
            }
    return out


def markdown(forms: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """A table: set, form, n, angry recall, the two commonest other readings."""
    lines = ["| set | form | n | recall angry | most read as otherwise |", "|---|---|---|---|---|"]
    for name, per_form in forms.items():
        for form, m in per_form.items():
            others = sorted(
                ((c, v) for c, v in m["read_as"].items() if c != ANGRY), key=lambda cv: -cv[1]
            )[:2]
            text = ", ".join(f"{c} {v:.2f}" for c, v in others) or "-"
            lines.append(f"| {name} | {form} | {m['n']} | {m['recall']:.2f} | {text} |")
    return lines
