import pytest

from tests.marketplace.catalog.factories import ChapterFactory, SectionFactory


@pytest.fixture
def chapter84(db):
    return ChapterFactory(code="84")


@pytest.fixture
def chapter85(db):
    return ChapterFactory(code="85", name="Electrical machinery and equipment", name_zh="电机、电气设备")


@pytest.fixture
def chapter94(db):
    section = SectionFactory(
        code="XX", name="Miscellaneous manufactured articles", name_zh="杂项制品", position=2000
    )
    return ChapterFactory(
        code="94", parent=section, name="Furniture; bedding; lamps", name_zh="家具；寝具；灯具"
    )
