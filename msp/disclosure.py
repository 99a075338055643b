"""The national small-number rule for figures shown outside the team.

From the national Safeguarding Adults Collection publication (shared/domain/msp-reference.md
section 7), applied to anything a commissioner sees or an export marked for sharing:

- a count of 0-4 is shown as ``[c]`` (confidential); every other count is rounded to the
  nearest 5, halves rounding up; a value that is not available is ``[x]``;
- a percentage is computed from the *unrounded* counts, and is withheld (``[c]``) when its
  numerator or its denominator is below 5, so a small count cannot be worked back out.

The rule is applied to aggregate tables *before* they are charted or exported: a chart or a
file never receives the small number at all. Suppressed cells are strings, so they can never
be mistaken for (or drawn as) zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

SUPPRESSED = "[c]"
NOT_AVAILABLE = "[x]"
SUPPRESSION_MARKERS = frozenset({SUPPRESSED, NOT_AVAILABLE})
SMALLEST_SHOWN = 5
ROUNDING_BASE = 5
PERCENT_DECIMALS = 1

RULE_TEXT = (
    "Counts of 0 to 4 are shown as [c] and other counts are rounded to the nearest 5. "
    "Percentages are worked out from the unrounded counts and shown as [c] when fewer than "
    "5 people are counted in them. [x] means not available."
)


def round_to_5(x: float) -> int:
    """`x` rounded to the nearest multiple of 5, halves rounding up (7.5 -> 10, 12.5 -> 15).

    Decimal arithmetic, so a half is exactly a half (no binary floating-point surprises)."""
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"cannot round {x!r}")
    fives = (Decimal(str(x)) / ROUNDING_BASE).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(fives) * ROUNDING_BASE


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def suppress_count(n: int | None) -> int | str:
    """A count as it may be published: ``[c]`` for 0-4, otherwise rounded to the nearest 5;
    ``[x]`` when not available (None/NaN)."""
    if _is_missing(n):
        return NOT_AVAILABLE
    if isinstance(n, str):
        if n in SUPPRESSION_MARKERS:
            return n
        raise TypeError(f"a count must be a number, not {n!r}")
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n!r}")
    if n < SMALLEST_SHOWN:
        return SUPPRESSED
    return round_to_5(n)


def percentage(numerator: float, denominator: float) -> float | None:
    """100 x numerator / denominator, or None when the denominator is 0."""
    if not denominator:
        return None
    return 100.0 * numerator / denominator


def suppress_percentage(
    numerator: int | None, denominator: int | None, *, decimals: int = PERCENT_DECIMALS
) -> float | str:
    """A percentage as it may be published, from the UNROUNDED counts.

    ``[x]`` when either count is not available; ``[c]`` when the numerator or the denominator
    is below 5 (a zero denominator included); otherwise the percentage to `decimals` places."""
    if _is_missing(numerator) or _is_missing(denominator):
        return NOT_AVAILABLE
    if isinstance(numerator, str) or isinstance(denominator, str):
        raise TypeError("percentages are computed from unrounded counts, not suppressed cells")
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise ValueError(f"not a proportion: {numerator!r} of {denominator!r}")
    if numerator < SMALLEST_SHOWN or denominator < SMALLEST_SHOWN:
        return SUPPRESSED
    return round(100.0 * numerator / denominator, decimals)


def is_suppressed(value: object) -> bool:
    """True for a ``[c]`` or ``[x]`` cell."""
    return isinstance(value, str) and value in SUPPRESSION_MARKERS


def suppress_frame(
    frame: pd.DataFrame,
    *,
    counts: Iterable[str] = (),
    percentages: Mapping[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """A copy of an aggregate table with the rule applied, ready to chart or export.

    `counts` names the count columns (each cell suppressed on its own). `percentages` maps
    each percentage column to the (numerator, denominator) count columns it is computed from;
    those percentages are recomputed from the unrounded counts *before* the counts are
    rounded, and withheld where either count is under 5. Other columns (labels, codes) are
    left as they are. Cells of the columns touched hold numbers or ``[c]``/``[x]`` strings.
    """
    percentages = dict(percentages or {})
    counts = list(counts)
    for column in [*counts, *(c for pair in percentages.values() for c in pair)]:
        if column not in frame.columns:
            raise KeyError(f"no column {column!r} in the table")
    out = frame.copy()
    # Percentages first, from the original (unrounded) counts.
    for column, (num, den) in percentages.items():
        out[column] = pd.Series(
            [
                suppress_percentage(n, d)
                for n, d in zip(frame[num].tolist(), frame[den].tolist(), strict=True)
            ],
            index=frame.index,
            dtype=object,
        )
    for column in counts:
        out[column] = pd.Series(
            [suppress_count(_as_count(v)) for v in frame[column].tolist()],
            index=frame.index,
            dtype=object,
        )
    return out


def _as_count(value: object) -> int | None | str:
    if _is_missing(value) or isinstance(value, str):
        return value  # type: ignore[return-value]
    return int(value)  # type: ignore[arg-type]


def suppress_table(frame: pd.DataFrame, *, label_columns: Iterable[str]) -> pd.DataFrame:
    """Apply the count rule to every column except `label_columns` (a wide table of counts,
    such as a statutory return table with a column per team)."""
    labels = set(label_columns)
    return suppress_frame(frame, counts=[c for c in frame.columns if c not in labels])
