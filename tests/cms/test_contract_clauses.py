"""The contract clauses operators edit in Wagtail reach the deals app through the DEALS_CONTRACT_CLAUSES callable."""

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from cms.blocks import DEFAULT_CLAUSES
from cms.models import ContractClauses

pytestmark = pytest.mark.django_db


def test_a_new_site_starts_with_the_default_clauses_in_both_languages():
    clauses = import_string(settings.DEALS_CONTRACT_CLAUSES)()
    assert clauses == DEFAULT_CLAUSES
    assert all(c["title_zh"] and c["text_zh"] and c["title_en"] and c["text_en"] for c in clauses)


def test_an_operators_edit_is_what_the_next_contract_reads():
    setting = ContractClauses.load()
    setting.clauses = [
        (
            "clause",
            {
                "title_en": "Samples",
                "title_zh": "样品",
                "text_en": "Samples rule.",
                "text_zh": "以样品为准。",
            },
        )
    ]
    setting.save()
    assert import_string(settings.DEALS_CONTRACT_CLAUSES)() == [
        {"title_en": "Samples", "title_zh": "样品", "text_en": "Samples rule.", "text_zh": "以样品为准。"}
    ]


def test_operators_edit_the_clauses_in_the_wagtail_admin(admin_client):
    response = admin_client.get(f"/cms/settings/cms/contractclauses/{ContractClauses.load().pk}/")
    assert response.status_code == 200
    assert "Governing law" in response.content.decode()
