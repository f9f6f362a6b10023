"""The risk officers' company search finds what the directory finds, Chinese names included."""

import pytest
from django.urls import reverse

from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q", ["恒泰", "Hengtai", "hengtai"])
def test_risk_search_finds_a_company_by_either_name(client, risk_officer, q):
    company = CompanyFactory(name="Hengtai Machinery Co., Ltd.", name_zh="恒泰机械有限公司")
    CompanyFactory(name="Harbourline Imports", name_zh="")
    client.force_login(risk_officer)
    html = client.get(reverse("companies:risk_home"), {"q": q}).content.decode()
    assert reverse("credit:subject_credit", args=[company.pk]) in html
    assert "Harbourline Imports" not in html
    directory = client.get(reverse("companies:company_list"), {"q": q}).content.decode()
    assert "Hengtai Machinery" in directory
