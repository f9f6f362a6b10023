import pytest
from django.utils import translation

from marketplace.core import fx


@pytest.fixture(autouse=True)
def _forget_fx_rates():
    """The rate tables a test read (or imported, then rolled back) must not outlive it in this process."""
    fx.forget_rates(everywhere=False)
    yield
    fx.forget_rates(everywhere=False)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English unless a test asks for Chinese."""
    with translation.override("en"):
        yield
