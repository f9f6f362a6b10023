"""A badge's code names only the badge, and admits nobody once forged, reprinted, revoked or shown at
another session — each refusal says why."""

import pytest
from django.utils import timezone

from marketplace.fairs import badge_tokens
from marketplace.fairs.badge_tokens import BadgeRefused
from tests.marketplace.fairs.factories import BadgeFactory, FairSessionFactory

pytestmark = pytest.mark.django_db


def test_the_code_reads_back_to_its_badge_and_carries_no_personal_data():
    badge = BadgeFactory()
    code = badge_tokens.token_for(badge)
    assert badge_tokens.read(code, session=badge.registration.session) == badge
    for personal in (badge.registration.full_name, badge.registration.email, badge.registration.company_name):
        assert personal not in code
    assert len(code) < 60  # a small QR code


@pytest.mark.parametrize(
    "tamper", [lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"), lambda c: "B999" + c[2:], lambda c: "hello"]
)
def test_a_forged_or_mistyped_code_is_refused(tamper):
    code = badge_tokens.token_for(BadgeFactory())
    with pytest.raises(BadgeRefused, match="not a TrustFair badge code"):
        badge_tokens.read(tamper(code))


def test_a_reprinted_badge_refuses_the_old_print_and_a_revoked_one_every_print():
    badge = BadgeFactory()
    old = badge_tokens.token_for(badge)
    badge.nonce = "fresh1"
    badge.save()
    with pytest.raises(BadgeRefused, match="reprinted"):
        badge_tokens.read(old)
    assert badge_tokens.read(badge_tokens.token_for(badge)) == badge
    badge.revoked_at = timezone.now()
    badge.save()
    with pytest.raises(BadgeRefused, match="revoked"):
        badge_tokens.read(badge_tokens.token_for(badge))


def test_a_badge_of_another_session_is_refused():
    badge = BadgeFactory()
    with pytest.raises(BadgeRefused, match="another fair session"):
        badge_tokens.read(badge_tokens.token_for(badge), session=FairSessionFactory())
