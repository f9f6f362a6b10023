"""From probability of default to the 0–1000 credit index and its letter grade.

Scaling: points to double the odds. The index is 600 where the odds of staying good are 30 to 1
(PD ≈ 3.2 %), and every 50 points double those odds:

    index = 600 + 50 · log2(((1 − PD) / PD) / 30), clipped to 0 … 1000.

It is strictly decreasing in PD, so a riskier company never gets a higher index. Grade bands are
ranges of the index; the default rates in `GRADES` follow from the same formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

BASE_SCORE = 600.0
BASE_ODDS = 30.0
POINTS_TO_DOUBLE_ODDS = 50.0
PD_FLOOR = 1e-6


@dataclass(frozen=True)
class Grade:
    code: str
    low: int  # inclusive lower bound of the index
    high: int  # inclusive upper bound
    label: str

    @property
    def pd_range(self) -> tuple[float, float]:
        """The probabilities of default this band stands for: (at its top, at its bottom)."""
        return index_to_pd(self.high), index_to_pd(self.low)


GRADES: tuple[Grade, ...] = (
    Grade("AAA", 850, 1000, _("Exceptional")),
    Grade("AA", 780, 849, _("Very strong")),
    Grade("A", 720, 779, _("Strong")),
    Grade("BBB", 660, 719, _("Adequate")),
    Grade("BB", 600, 659, _("Speculative")),
    Grade("B", 520, 599, _("Weak")),
    Grade("CCC", 400, 519, _("Vulnerable")),
    Grade("C", 0, 399, _("Distressed")),
)
GRADE_CODES = [g.code for g in GRADES]

# A thin file: too little evidence to rate (credit.index.THIN_FILE says how little). Its assessment
# still holds the model's index and probability, for risk officers, but its grade is this code, and
# pages show the label and what would rate it instead of a letter grade. Not a band of GRADES:
# gating treats it by the policy's "unrated" row, never as a good grade.
UNRATED = "NR"
UNRATED_LABEL = _("Not yet rated — not enough data")
# Every code an assessment can hold: the bands best first, then the unrated code.
ALL_GRADE_CODES = [*GRADE_CODES, UNRATED]


def grade_label(code: str) -> str:
    """The label of a grade code (a band's label, or "Not yet rated — not enough data")."""
    if code == UNRATED:
        return str(UNRATED_LABEL)
    return str(next(g.label for g in GRADES if g.code == code))


def pd_to_index(pd: float | np.ndarray) -> np.ndarray | int:
    p = np.clip(np.asarray(pd, dtype=float), PD_FLOOR, 1 - PD_FLOOR)
    odds = (1 - p) / p
    score = BASE_SCORE + POINTS_TO_DOUBLE_ODDS * np.log2(odds / BASE_ODDS)
    result = np.clip(np.floor(score + 0.5), 0, 1000).astype(int)
    return int(result) if result.ndim == 0 else result


def index_to_pd(index: float) -> float:
    odds = BASE_ODDS * 2 ** ((index - BASE_SCORE) / POINTS_TO_DOUBLE_ODDS)
    return 1 / (1 + odds)


def grade_for(index: int) -> Grade:
    for grade in GRADES:
        if grade.low <= index <= grade.high:
            return grade
    raise ValueError(f"index {index} is outside 0–1000")


_LOWS_ASCENDING = np.array([g.low for g in reversed(GRADES)])
_CODES_ASCENDING = np.array([g.code for g in reversed(GRADES)])


def grade_codes(indexes: np.ndarray) -> list[str]:
    """`grade_for(i).code` for a whole array of indexes at once."""
    indexes = np.asarray(indexes)
    if len(indexes) and (indexes.min() < 0 or indexes.max() > 1000):
        raise ValueError("an index is outside 0–1000")
    return _CODES_ASCENDING[np.searchsorted(_LOWS_ASCENDING, indexes, side="right") - 1].tolist()


def describe_bands() -> list[dict]:
    """The table shown to people: grade, index range, default-rate range."""
    return [
        {
            "grade": g.code,
            "label": g.label,
            "low": g.low,
            "high": g.high,
            "pd_low": g.pd_range[0],
            "pd_high": g.pd_range[1],
        }
        for g in GRADES
    ]


def margin_to_index_points(margin_delta: float, calibration_slope: float) -> float:
    """How many index points a change in the model's margin is worth (locally, ignoring clipping).

    With Platt calibration, log-odds of default = a·margin + b, and the index moves by
    PDO / ln 2 per unit of log-odds of staying good.
    """
    return -calibration_slope * margin_delta * POINTS_TO_DOUBLE_ODDS / math.log(2)
