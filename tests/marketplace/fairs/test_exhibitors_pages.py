"""Exhibitor pages: the directory and its filters, the floor plan, who sees which application, Chinese."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.fairs import exhibitors_services as services
from marketplace.fairs.models import ApplicationStatus
from tests.credit.factories import AssessmentFactory
from tests.marketplace.catalog.factories import ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory, MembershipFactory
from tests.marketplace.fairs.factories import FairPhaseFactory, HallFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def fair(operator):
    machinery = IndustryFactory(slug="machinery", name="Machinery", name_zh="机械")
    tools = IndustryFactory(slug="tools", name="Tools")
    phase = FairPhaseFactory(number=1)
    phase.industries.set([machinery, tools])
    hall_a = HallFactory(session=phase.session, code="11.2")
    hall_b = HallFactory(session=phase.session, code="12.1")
    booths_a = services.generate_grid(hall=hall_a, phase=phase, rows=2, columns=4, by_user=operator)
    booths_b = services.generate_grid(hall=hall_b, phase=phase, rows=1, columns=2, by_user=operator)

    def exhibitor(name, country, industry, booth, product_name, approve=True):
        company = CompanyFactory(
            name=name, kind="supplier", country=country, verified_at=timezone.now(), industry=industry
        )
        user = MembershipFactory(company=company).user
        product = ProductFactory(supplier=company, name=product_name)
        application = services.apply(
            company=company,
            phase=phase,
            by_user=user,
            industries=[industry],
            booth_size_sqm=9,
            products=[product],
        )
        if approve:
            services.approve(application=application, booth=booth, by_user=operator)
        return {"company": company, "user": user, "application": application}

    return {
        "phase": phase,
        "session": phase.session,
        "hall_a": hall_a,
        "booths_a": booths_a,
        "ningbo": exhibitor("Ningbo Press Works", "CN", machinery, booths_a[1], "Hydraulic press"),
        "hanoi": exhibitor("Hanoi Tool Co", "VN", tools, booths_b[0], "Torque wrench"),
        "pending": exhibitor("Pending Pumps", "CN", machinery, None, "Water pump", approve=False),
    }


def _directory(client, fair, **query):
    return client.get(reverse("exhibitors:directory", kwargs={"slug": fair["session"].slug}), query)


def _names(response):
    return sorted(e.company.name for e in response.context["page_obj"])


def test_visitors_see_only_approved_exhibitors_with_booth_and_products(client, fair):
    response = _directory(client, fair)
    assert response.status_code == 200
    assert _names(response) == ["Hanoi Tool Co", "Ningbo Press Works"]
    body = response.content.decode()
    assert "11.2 A-02" in body and "Hydraulic press" in body
    assert "Pending Pumps" not in body
    # Signed out: no grades, and booking asks to sign in first.
    assert "credit_grade" not in response.context["filter"].form.fields
    assert "Sign in to book a meeting at the booth" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"industry": "tools"}, ["Hanoi Tool Co"]),
        ({"hall": "11.2"}, ["Ningbo Press Works"]),
        ({"country": "VN"}, ["Hanoi Tool Co"]),
        ({"q": "press"}, ["Ningbo Press Works"]),
        ({"q": "wrench"}, ["Hanoi Tool Co"]),
        ({"phase": "1"}, ["Hanoi Tool Co", "Ningbo Press Works"]),
        ({"phase": "2"}, []),
        ({"verified": "true"}, ["Hanoi Tool Co", "Ningbo Press Works"]),
    ],
)
def test_directory_filters(client, fair, query, expected):
    assert _names(_directory(client, fair, **query)) == expected


def test_directory_company_filter_and_unverified(client, fair):
    assert _names(_directory(client, fair, company=fair["hanoi"]["company"].slug)) == ["Hanoi Tool Co"]
    company = fair["hanoi"]["company"]
    company.verified_at = None
    company.save()
    assert _names(_directory(client, fair, verified="true")) == ["Ningbo Press Works"]


def test_members_see_and_filter_by_grade_and_book_at_the_booth_table(client, fair, buyer_owner):
    AssessmentFactory(subject=fair["ningbo"]["company"], grade="A", index=740)
    client.force_login(buyer_owner)
    response = _directory(client, fair, grade="A")
    assert _names(response) == ["Ningbo Press Works"]
    exhibitor = response.context["page_obj"][0]
    assert exhibitor.credit_grade == "A"
    assert f"table={exhibitor.table_id}" in exhibitor.meeting_url
    # The meeting request opens at the booth's table, in person.
    form_page = client.get(exhibitor.meeting_url)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form.initial["table"] == exhibitor.table_id and form.initial["mode"] == "in_person"


def test_floor_plan_is_svg_with_links_and_highlight(client, fair):
    url = reverse("exhibitors:floor_plan", kwargs={"slug": fair["session"].slug, "number": 1, "hall": "11.2"})
    response = client.get(url, {"company": fair["ningbo"]["company"].slug})
    assert response.status_code == 200
    svg = response.context["svg"]
    root = ET.fromstring(svg)  # noqa: S314 - our own server-drawn SVG
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    links = root.findall(f".//{SVG}a")
    assert len(links) == 1  # one booth of eight has an exhibitor
    assert f"#exhibitor-{fair['ningbo']['application'].pk}" in links[0].get("href")
    lit = [g for g in root.iter(f"{SVG}g") if "booth-lit" in (g.get("class") or "")]
    assert [g.get("id") for g in lit] == [f"booth-{fair['booths_a'][1].pk}"]
    # A search by booth number lights the booth even when it is free.
    free = client.get(url, {"q": "B-04"})
    assert [b.code for b in free.context["lit"]] == ["B-04"]


def test_another_supplier_never_sees_an_application_or_its_rejection_reason(client, fair, operator):
    services.reject(application=fair["pending"]["application"], reason="SECRET-REASON", by_user=operator)
    url = reverse("exhibitors:application_detail", kwargs={"pk": fair["pending"]["application"].pk})
    client.force_login(fair["hanoi"]["user"])
    assert client.get(url).status_code == 404
    client.force_login(fair["pending"]["user"])
    assert "SECRET-REASON" in client.get(url).content.decode()
    client.logout()
    assert "SECRET-REASON" not in _directory(client, fair).content.decode()


def test_suppliers_cannot_decide_and_operators_approve_through_the_page(client, fair, operator):
    application = fair["pending"]["application"]
    booth = fair["booths_a"][5]
    approve = reverse("exhibitors:application_approve", kwargs={"pk": application.pk})
    client.force_login(fair["pending"]["user"])
    assert client.post(approve, {"booth": booth.pk}).status_code == 403
    client.force_login(fair["hanoi"]["user"])
    assert client.post(approve, {"booth": booth.pk}).status_code == 404
    client.force_login(operator)
    page = client.get(reverse("exhibitors:application_detail", kwargs={"pk": application.pk}))
    offered = list(page.context["approve_form"].fields["booth"].queryset)
    assert fair["booths_a"][1] not in offered and booth in offered  # taken booths are not offered
    zoned = fair["booths_a"][6]
    zoned.zone_industry = IndustryFactory(slug="furniture")
    zoned.save()
    page = client.get(reverse("exhibitors:application_detail", kwargs={"pk": application.pk}))
    assert zoned not in page.context["approve_form"].fields["booth"].queryset  # another category's zone
    client.post(approve, {"booth": booth.pk})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.booth == booth


def test_supplier_applies_through_the_page(client, fair):
    company = CompanyFactory(kind="supplier", verified_at=timezone.now())
    user = MembershipFactory(company=company).user
    product = ProductFactory(supplier=company)
    client.force_login(user)
    url = reverse("exhibitors:apply", kwargs={"slug": fair["session"].slug, "number": 1})
    page = client.get(url)
    assert product in page.context["form"].fields["products"].queryset
    response = client.post(
        url,
        {
            "industries": [fair["phase"].industries.get(slug="tools").pk],
            "booth_size_sqm": 18,
            "products": [product.pk],
        },
    )
    assert response.status_code == 302
    application = company.exhibitor_applications.get()
    assert application.booth_size_sqm == 18 and list(application.products.all()) == [product]
    # A buyer has no apply page.
    client.force_login(MembershipFactory(company=CompanyFactory(kind="buyer")).user)
    assert client.get(url).status_code == 403


def test_pages_in_chinese(client, fair):
    try:
        translation.activate("zh-hans")
        response = client.get(
            reverse("exhibitors:directory", kwargs={"slug": fair["session"].slug}),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        body = response.content.decode()
        assert "展商" in body and "展位" in body
        plan = client.get(
            reverse(
                "exhibitors:floor_plan", kwargs={"slug": fair["session"].slug, "number": 1, "hall": "11.2"}
            ),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert "平面图" in plan.content.decode()
    finally:
        translation.activate("en")


def test_directory_queries_do_not_grow_with_exhibitors(
    client, fair, buyer_owner, django_assert_max_num_queries
):
    """A page of exhibitors costs a fixed number of queries (session, count, rows, products, categories...)."""
    client.force_login(buyer_owner)
    _directory(client, fair)  # warm the session and caches
    with django_assert_max_num_queries(14) as captured:
        response = _directory(client, fair)
    assert len(response.context["page_obj"]) == 2
    first = len(captured)
    operator = fair["ningbo"]["application"].decided_by
    for n in range(3):
        company = CompanyFactory(
            kind="supplier", verified_at=timezone.now(), industry=fair["phase"].industries.first()
        )
        product = ProductFactory(supplier=company)
        application = services.apply(
            company=company, phase=fair["phase"], by_user=MembershipFactory(company=company).user,
            industries=[company.industry], booth_size_sqm=9, products=[product],
        )  # fmt: skip
        services.approve(application=application, booth=fair["booths_a"][4 + n], by_user=operator)
    with django_assert_max_num_queries(first) as again:
        response = _directory(client, fair)
    assert len(response.context["page_obj"]) == 5 and len(again) == first
