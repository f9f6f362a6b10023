"""20 suppliers quote at once on an RFQ that wants 5, each on its own PostgreSQL connection: exactly 5 are taken
and the RFQ closes; one supplier's 10 concurrent quotations on 10 RFQs never pass its quota of 3."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from marketplace.matchmaking import rfq_services as services
from marketplace.matchmaking.models import Quotation, Rfq, SourcingProfile
from tests.marketplace.catalog.factories import ChapterFactory
from tests.marketplace.companies.factories import buyer_member
from tests.marketplace.matchmaking.factories_rfq import TIERS, quotation_data, rfq_data, verified_supplier

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"),
]


def run_at_once(jobs) -> tuple[int, list]:
    barrier = threading.Barrier(len(jobs))
    taken, errors = [], []

    def work(job):
        try:
            barrier.wait()
            job()
            taken.append(1)
        except ValidationError as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(taken), errors


def test_the_count_wanted_is_never_exceeded():
    chapter = ChapterFactory()
    buyer = buyer_member()
    rfq = services.post_rfq(
        buyer=buyer.membership.company, by_user=buyer, data=rfq_data(chapter, quotations_wanted=5)
    )
    suppliers = [verified_supplier(chapter=chapter) for _ in range(20)]
    jobs = [
        (
            lambda user=user: services.submit_quotation(
                rfq=rfq, by_user=user, data=quotation_data(), tiers=TIERS
            )
        )
        for user in suppliers
    ]
    taken, errors = run_at_once(jobs)
    assert taken == 5 and len(errors) == 15
    assert Quotation.objects.filter(rfq=rfq).count() == 5
    assert Rfq.objects.get(pk=rfq.pk).status == "closed"


def test_the_monthly_quota_is_never_exceeded():
    chapter = ChapterFactory()
    buyer = buyer_member()
    supplier = verified_supplier(chapter=chapter)
    SourcingProfile.objects.create(company=supplier.membership.company, monthly_quota=3)
    rfqs = [
        services.post_rfq(buyer=buyer.membership.company, by_user=buyer, data=rfq_data(chapter))
        for _ in range(10)
    ]
    jobs = [
        (
            lambda rfq=rfq: services.submit_quotation(
                rfq=rfq, by_user=supplier, data=quotation_data(), tiers=TIERS
            )
        )
        for rfq in rfqs
    ]
    taken, errors = run_at_once(jobs)
    assert taken == 3 and Quotation.objects.filter(supplier=supplier.membership.company).count() == 3
