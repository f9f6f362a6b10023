"""The scoring function (marketplace/matchmaking/ranking.py): each signal moves a supplier in the documented
direction, and the reasons a match gives are exactly the signals that scored it."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from marketplace.core.money import Money
from marketplace.matchmaking import ranking
from marketplace.matchmaking.ranking import Candidate, Need, Presence, need_terms, score

BASE = Candidate(supplier_id=1, chapters=("84",), headings=("8477",), min_moq=1, max_capacity=100)
NEED = Need(text="injection moulding machine", hs_code="8477.10")


def points(need: Need, candidate: Candidate) -> float:
    return score(need, candidate).score


def signals(need: Need, candidate: Candidate) -> set[str]:
    return score(need, candidate).signals_used


def better(need: Need, high: Candidate, low: Candidate, signal: str) -> None:
    """`high` outscores `low`, and the signal shows in the reasons or cautions of the one it concerns."""
    assert points(need, high) > points(need, low)
    assert signal in signals(need, high) | signals(need, low)


def test_category_heading_beats_chapter_beats_outside():
    heading = BASE
    chapter = replace(BASE, headings=("8458",))
    outside = replace(BASE, chapters=("94",), headings=("9403",))
    assert points(NEED, heading) > points(NEED, chapter) > points(NEED, outside)
    assert score(NEED, heading).reasons[0].text == "sells under HS heading 8477"
    assert "category" in signals(NEED, chapter)
    assert "category" not in signals(NEED, outside)


def test_related_codes_of_a_profile_count_at_half():
    need = Need(related_codes=("8477",))
    assert points(need, BASE) == pytest.approx(ranking.W_HEADING / 2)
    assert points(Need(hs_code="847710"), BASE) == pytest.approx(ranking.W_HEADING)


def test_text_relevance_rises_with_words_found():
    terms = need_terms(NEED.text)
    assert terms == ["injection", "moulding", "machine"]
    all_words = replace(BASE, terms_matched=3)
    one_word = replace(BASE, terms_matched=1)
    better(NEED, all_words, one_word, "text")
    assert "text" not in signals(NEED, BASE)


def test_chinese_need_is_cut_into_bigrams():
    assert need_terms("注塑机 200吨") == ["注塑", "塑机", "200", "吨"]


def test_certifications_held_rise_and_none_held_costs():
    need = replace(NEED, certifications=("CE", "ISO 9001"))
    both = replace(BASE, certifications=("CE", "ISO 9001", "RoHS"))
    one = replace(BASE, certifications=("CE",))
    none = replace(BASE, certifications=("RoHS",))
    assert points(need, both) > points(need, one) > points(need, none)
    assert [r.text for r in score(need, both).reasons if r.signal == "certifications"] == [
        "holds CE and ISO 9001 as required"
    ]
    assert [r.signal for r in score(need, none).cautions] == ["certifications"]
    # No certification asked: holding some changes nothing.
    assert points(NEED, both) == points(NEED, none)


def test_moq_and_capacity_against_quantity():
    need = replace(NEED, quantity=200)
    fits = replace(BASE, min_moq=100, max_capacity=100)  # 3 months of 100 cover 200
    moq_too_high = replace(BASE, min_moq=500, max_capacity=1000)
    too_small = replace(BASE, min_moq=1, max_capacity=50)
    assert points(need, fits) > points(need, too_small) > points(need, moq_too_high)
    assert score(need, moq_too_high).cautions[0].text == "its lowest MOQ, 500, is above your 200"
    assert "quantity" not in signals(NEED, moq_too_high)  # no quantity asked


def test_price_against_target_lower_is_better():
    need = replace(NEED, target_price=Money("100", "USD"))
    cheap = replace(BASE, typical_price_usd={"8477": "90"})
    near = replace(BASE, typical_price_usd={"8477": "125"})
    dear = replace(BASE, typical_price_usd={"8477": "190"})
    assert points(need, cheap) > points(need, near) > points(need, dear)
    assert [r.signal for r in score(need, dear).cautions] == ["price"]
    # The heading's price is used before the chapter's.
    mixed = replace(BASE, typical_price_usd={"8477": "90", "84": "500", "all": "500"})
    assert points(need, mixed) == points(need, cheap)


def test_price_target_in_another_currency_is_converted(db):
    need = replace(NEED, target_price=Money("700", "CNY"))  # about 100 USD
    assert Decimal("80") < need.target_usd < Decimal("120")


def test_lead_time_shorter_is_better():
    need = replace(NEED, max_lead_time_days=30)
    fast = replace(BASE, lead_time_days=20)
    late = replace(BASE, lead_time_days=45)
    very_late = replace(BASE, lead_time_days=90)
    assert points(need, fast) > points(need, late) > points(need, very_late)
    assert score(need, fast).reasons[-1].text == "ships in 20 days (you need 30)"
    # Without a limit, a faster supplier still edges ahead.
    assert points(NEED, fast) > points(NEED, late)


def test_markets_served_counts_the_destination():
    need = replace(NEED, destination_country="DE")
    sold_there = replace(BASE, markets=("DE", "GB"))
    elsewhere = replace(BASE, markets=("GB",))
    better(need, sold_there, elsewhere, "markets")
    assert "already sells to Germany" in [r.text for r in score(need, sold_there).reasons]


def test_fair_presence_counts_and_says_where():
    present = replace(BASE, presence=Presence(session="140th Session", hall="Hall 11.2", booth="C15"))
    better(NEED, present, BASE, "fair")
    assert "exhibits at Hall 11.2, booth C15, in the 140th Session" in [
        r.text for r in score(NEED, present).reasons
    ]


def test_response_rate_and_time():
    answers = replace(BASE, inquiries=10, replied=10, median_response_hours=6)
    ignores = replace(BASE, inquiries=10, replied=1, median_response_hours=6)
    slow = replace(BASE, inquiries=10, replied=10, median_response_hours=40)
    assert points(NEED, answers) > points(NEED, slow) > points(NEED, ignores)
    assert points(NEED, answers) > points(NEED, BASE)  # no inquiries yet: neutral
    assert points(NEED, ignores) < points(NEED, BASE)
    texts = [r.text for r in score(NEED, answers).reasons]
    assert "replies within 6 h on average" in texts and "answers 100% of inquiries" in texts


def test_meetings_kept_rise_missed_fall():
    kept = replace(BASE, meetings_kept=4)
    missed = replace(BASE, meetings_kept=1, meetings_missed=3)
    assert points(NEED, kept) > points(NEED, BASE) > points(NEED, missed)
    assert "kept 4 of 4 meetings" in [r.text for r in score(NEED, kept).reasons]


def test_grade_order_follows_the_scale():
    order = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "C"]
    values = [points(NEED, replace(BASE, grade=g)) for g in order]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
    # Not rated (thin file) is neutral: between B and CCC.
    unrated = points(NEED, replace(BASE, grade="NR"))
    assert points(NEED, replace(BASE, grade="B")) > unrated > points(NEED, replace(BASE, grade="CCC"))
    assert "grade A" in [r.text for r in score(NEED, replace(BASE, grade="A")).reasons]


def test_verified_counts():
    better(NEED, replace(BASE, verified=True), BASE, "verified")


def test_reasons_are_the_signals_that_scored_and_add_up():
    need = Need(
        text="injection moulding machine",
        hs_code="847710",
        quantity=2,
        target_price=Money("20000", "USD"),
        destination_country="DE",
        certifications=("CE",),
        max_lead_time_days=30,
    )
    c = Candidate(
        supplier_id=7,
        chapters=("84",),
        headings=("8477",),
        certifications=("CE",),
        min_moq=1,
        max_capacity=10,
        typical_price_usd={"8477": "25000"},  # 25% above: still some points
        lead_time_days=50,  # too slow: a caution
        markets=("DE",),
        inquiries=4,
        replied=4,
        median_response_hours=3,
        meetings_kept=2,
        grade="A",
        verified=True,
        terms_matched=2,
        presence=Presence("140th Session", "Hall 11.2", ""),
    )
    match = score(need, c)
    every = {
        "category", "text", "certifications", "quantity", "price", "lead_time", "markets", "fair",
        "response_rate", "response_time", "meetings", "grade", "verified",
    }  # fmt: skip
    assert match.signals_used == every
    assert [r.signal for r in match.cautions] == ["lead_time"]
    assert match.score == pytest.approx(sum(r.points for r in match.reasons + match.cautions), abs=0.01)
    assert [r.points for r in match.reasons] == sorted((r.points for r in match.reasons), reverse=True)
    assert len(match.top_reasons) == ranking.TOP_REASONS
    assert match.top_reasons[0].signal == "category"


def test_reasons_in_chinese():
    translation.activate("zh-hans")
    try:
        need = replace(NEED, certifications=("CE", "ISO 9001"))
        c = replace(BASE, certifications=("CE", "ISO 9001"), grade="A", median_response_hours=6)
        texts = [r.text for r in score(need, c).reasons]
    finally:
        translation.activate("en")
    assert "持有所需的CE和ISO 9001认证" in texts
    assert "平均6小时内回复" in texts
    assert "信用等级A" in texts


def test_quick_points_equal_the_full_score():
    """`rank` sorts every candidate by quick_points (need terms + the stored prior) and words only the best."""
    import random

    rng = random.Random(7)
    need = Need(
        text="injection moulding machine",
        hs_code="847710",
        quantity=50,
        target_price=Money("100", "USD"),
        destination_country="DE",
        certifications=("CE", "RoHS"),
        max_lead_time_days=30,
    )
    terms = need_terms(need.text)
    for n in range(300):
        c = Candidate(
            supplier_id=n,
            chapters=rng.choice(((), ("84",))),
            headings=rng.choice(((), ("8477",), ("8458",))),
            certifications=tuple(rng.sample(["CE", "RoHS", "UL"], rng.randint(0, 3))),
            min_moq=rng.choice((None, 1, 100)),
            max_capacity=rng.choice((None, 10, 1000)),
            typical_price_usd={"8477": str(rng.randint(50, 250))},
            lead_time_days=rng.choice((None, 10, 40, 80)),
            markets=rng.choice(((), ("DE",))),
            inquiries=rng.randint(0, 9),
            replied=0,
            median_response_hours=rng.choice((None, 2.0, 30.0)),
            meetings_kept=rng.randint(0, 3),
            meetings_missed=rng.randint(0, 2),
            grade=rng.choice(("", "A", "C", "NR")),
            verified=rng.random() < 0.5,
            terms_matched=rng.randint(0, 3),
        )
        full = score(need, c, terms=terms).score
        assert ranking.quick_points(need, c, ranking.prior_points(c), terms) == pytest.approx(full, abs=0.002)
