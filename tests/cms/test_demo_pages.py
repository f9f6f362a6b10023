"""The demo's pages come back on a database whose page tree was emptied (as a transactional test's flush
leaves it): the root is made again, then the home page and the default site."""

import pytest
from wagtail.models import Page, Site

from cms import demo
from cms.models import HomePage
from tests.marketplace.companies.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_seed_pages_rebuilds_the_tree_from_nothing():
    Site.objects.all().delete()
    Page.objects.all().delete()
    assert Page.get_first_root_node() is None
    supplier = CompanyFactory(kind="supplier")
    demo.seed_pages(supplier=supplier, companies=[supplier], seed=1)
    home = HomePage.objects.get(locale__language_code="en")
    assert home.get_parent() == Page.get_first_root_node()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
