"""The one private-file helper of deals (deals.private_files.serve_deal_file) and core's serve_private under it:
a file is found only inside its own deal, each view keeps its own rule, and file names cannot break the header."""

import pytest
from django.http import Http404
from django.urls import reverse

from marketplace.core.files import serve_private
from tests.marketplace.deals.factories import (
    PDF_BYTES,
    AttachmentFactory,
    DealFactory,
    MessageFactory,
    MilestoneFactory,
    OrderFactory,
    PaymentProofFactory,
    agreed_deal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_deals(parties):
    """Our deal between the two parties, and a stranger's deal with its own attachment and payment proof."""
    ours = DealFactory(buyer=parties["buyer"], supplier=parties["supplier"])
    theirs = agreed_deal()
    order = OrderFactory(deal=theirs)
    proof = PaymentProofFactory(milestone=MilestoneFactory(order=order, deal=theirs))
    attachment = AttachmentFactory(message=MessageFactory(deal=theirs))
    return ours, theirs, attachment, proof


def test_a_file_of_another_deal_is_a_missing_file_under_ours(client, parties, two_deals):
    ours, _theirs, attachment, proof = two_deals
    client.force_login(parties["buyer_user"])
    for url in (
        reverse("deals:attachment_file", args=[ours.pk, attachment.pk]),
        reverse("deals:proof_file", args=[ours.pk, proof.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_strangers_own_parties_fetch_them_under_their_deal(client, two_deals):
    from tests.marketplace.companies.factories import MembershipFactory

    _ours, theirs, attachment, proof = two_deals
    client.force_login(MembershipFactory(company=theirs.supplier).user)
    response = client.get(reverse("deals:attachment_file", args=[theirs.pk, attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'inline; filename="drawing.pdf"'
    response = client.get(reverse("deals:proof_file", args=[theirs.pk, proof.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'inline; filename="{theirs.number}-payment-{proof.milestone.seq}-{proof.pk}.pdf"'
    )


def test_a_name_with_quotes_or_chinese_cannot_break_the_header(client, parties):
    deal = DealFactory(buyer=parties["buyer"], supplier=parties["supplier"])
    quoted = AttachmentFactory(message=MessageFactory(deal=deal), original_name='x".pdf"; filename="evil.exe')
    chinese = AttachmentFactory(message=MessageFactory(deal=deal), original_name="报价单.pdf")
    client.force_login(parties["supplier_user"])
    header = client.get(reverse("deals:attachment_file", args=[deal.pk, quoted.pk]))["Content-Disposition"]
    assert header == r'inline; filename="x\".pdf\"; filename=\"evil.exe"'
    header = client.get(reverse("deals:attachment_file", args=[deal.pk, chinese.pk]))["Content-Disposition"]
    assert header == "inline; filename*=utf-8''%E6%8A%A5%E4%BB%B7%E5%8D%95.pdf"


def test_serve_private_refuses_a_missing_item_and_a_stranger_alike(parties):
    attachment = AttachmentFactory()
    for item, allowed in ((None, True), (attachment, False)):
        with pytest.raises(Http404):
            serve_private(item, allowed=allowed)
    response = serve_private(attachment, allowed=True)
    assert response["Cache-Control"].startswith("private") and response["X-Content-Type-Options"] == "nosniff"
    response.close()
