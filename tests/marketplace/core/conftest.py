import copy
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from marketplace.core import fx

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates(settings):
    """The templates under tests/marketplace/core/templates, beside the project's own."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES]
    settings.TEMPLATES = templates


def poppler(tool: str, pdf: bytes, tmp_path: Path) -> str:
    """The output of a poppler-utils tool (pdffonts, pdftotext) on a PDF."""
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: install poppler-utils (make system-deps)")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    args = [tool, str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout  # noqa: S603


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
