import numpy as np
import pytest

from credit.grading import GRADES, describe_bands, grade_codes, grade_for, index_to_pd, pd_to_index


def test_index_is_monotone_in_pd():
    pds = np.linspace(1e-5, 1 - 1e-5, 20000)
    index = pd_to_index(pds)
    assert np.all(np.diff(index) <= 0)
    assert index.min() >= 0 and index.max() <= 1000


def test_anchor_points():
    assert pd_to_index(1 / 31) == 600  # odds 30:1
    assert pd_to_index(1 / 61) == 650  # odds doubled: +50
    assert abs(index_to_pd(600) - 1 / 31) < 1e-12


def test_grade_bands_cover_0_to_1000_without_gaps_or_overlaps():
    covered = sorted((g.low, g.high) for g in GRADES)
    assert covered[0][0] == 0 and covered[-1][1] == 1000
    for (_, high), (low, _) in zip(covered, covered[1:], strict=False):
        assert low == high + 1
    for i in range(1001):
        assert grade_for(i).low <= i <= grade_for(i).high
    with pytest.raises(ValueError):
        grade_for(1001)


def test_grade_codes_of_an_array_agree_with_grade_for():
    indexes = np.arange(1001)
    assert grade_codes(indexes) == [grade_for(i).code for i in range(1001)]
    with pytest.raises(ValueError):
        grade_codes(np.array([500, 1001]))


def test_better_grades_mean_lower_default_rates():
    bands = describe_bands()
    assert [b["grade"] for b in bands] == ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "C"]
    for better, worse in zip(bands, bands[1:], strict=False):
        assert better["pd_high"] <= worse["pd_low"] + 1e-12
