"""The object permission predicates, each tried with real objects on its allowed and its forbidden paths."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from marketplace.catalog.models import ProductStatus
from marketplace.companies import permissions
from marketplace.companies.models import CompanyKind, MemberRole, PlatformRole, VerificationDocument
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.catalog.factories import ProductFactory, ShowcaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER)
    other = CompanyFactory(kind=CompanyKind.BUYER, country="DE")
    return {
        "supplier": supplier,
        "owner": MembershipFactory(company=supplier, role=MemberRole.OWNER).user,
        "staff": MembershipFactory(company=supplier, role=MemberRole.STAFF).user,
        "outsider": MembershipFactory(company=other, role=MemberRole.OWNER).user,
        "operator": UserFactory(platform_role=PlatformRole.OPERATOR),
        "risk": UserFactory(platform_role=PlatformRole.RISK_OFFICER),
        "nobody": UserFactory(),
        "anonymous": AnonymousUser(),
    }


def _document(company, owner):
    return VerificationDocument.objects.create(
        company=company,
        kind="business_licence",
        original_name="l.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=owner,
        file="verification/x.pdf",
    )


def test_is_member_is_true_for_the_companys_staff_only(world):
    supplier = world["supplier"]
    for name in ("owner", "staff"):
        assert permissions.is_member(world[name], supplier), name
        assert permissions.is_member(world[name], supplier.pk), name  # an id works as well
    for name in ("outsider", "operator", "risk", "nobody", "anonymous"):
        assert not permissions.is_member(world[name], supplier), name
    assert not permissions.is_member(world["owner"], None)


def test_an_inactive_member_is_no_member(world):
    staff = world["staff"]
    staff.is_active = False
    staff.save()
    assert not permissions.is_member(staff, world["supplier"])


def test_is_owner_excludes_staff_and_other_companies(world):
    supplier = world["supplier"]
    assert permissions.is_owner(world["owner"], supplier)
    for name in ("staff", "outsider", "operator", "nobody", "anonymous"):
        assert not permissions.is_owner(world[name], supplier), name
    # Owning one company says nothing about another.
    assert not permissions.is_owner(world["outsider"], supplier)
    assert permissions.is_owner(world["outsider"], world["outsider"].company)


def test_has_company(world):
    assert permissions.has_company(world["staff"]) and permissions.has_company(world["outsider"])
    for name in ("operator", "nobody", "anonymous"):
        assert not permissions.has_company(world[name]), name


def test_is_operator_only_for_the_operator_role(world):
    assert permissions.is_operator(world["operator"])
    for name in ("risk", "owner", "nobody", "anonymous"):
        assert not permissions.is_operator(world[name]), name


@pytest.mark.parametrize(
    "status, showcase_only, public",
    [
        (ProductStatus.PUBLISHED, False, True),
        (ProductStatus.PUBLISHED, True, False),
        (ProductStatus.DRAFT, False, False),
        (ProductStatus.ARCHIVED, False, False),
    ],
)
def test_can_view_product(world, status, showcase_only, public):
    product = ProductFactory(supplier=world["supplier"], status=status, showcase_only=showcase_only)
    assert permissions.can_view_product(world["owner"], product)
    assert permissions.can_view_product(world["staff"], product)
    for name in ("outsider", "operator", "risk", "nobody", "anonymous"):
        assert permissions.can_view_product(world[name], product) is public, name


def test_can_manage_product_is_the_suppliers_staff(world):
    product = ProductFactory(supplier=world["supplier"])
    assert permissions.can_manage_product(world["owner"], product)
    assert permissions.can_manage_product(world["staff"], product)
    for name in ("outsider", "operator", "risk", "nobody", "anonymous"):
        assert not permissions.can_manage_product(world[name], product), name


def test_can_view_document_is_its_company_and_operators(world):
    document = _document(world["supplier"], world["owner"])
    for name in ("owner", "staff", "operator"):
        assert permissions.can_view_document(world[name], document), name
    for name in ("outsider", "risk", "nobody", "anonymous"):
        assert not permissions.can_view_document(world[name], document), name


def test_can_decide_document_is_operators_only(world):
    document = _document(world["supplier"], world["owner"])
    assert permissions.can_decide_document(world["operator"], document)
    for name in ("owner", "staff", "outsider", "risk", "nobody", "anonymous"):
        assert not permissions.can_decide_document(world[name], document), name


def test_can_manage_showcase_is_the_suppliers_staff(world):
    showcase = ShowcaseFactory(supplier=world["supplier"], created_by=world["owner"])
    assert permissions.can_manage_showcase(world["staff"], showcase)
    for name in ("outsider", "operator", "nobody", "anonymous"):
        assert not permissions.can_manage_showcase(world[name], showcase), name


def test_require_helpers_raise_permission_denied(world):
    supplier = world["supplier"]
    permissions.require_member(world["staff"], supplier)
    permissions.require_owner(world["owner"], supplier)
    with pytest.raises(PermissionDenied):
        permissions.require_member(world["outsider"], supplier)
    with pytest.raises(PermissionDenied):
        permissions.require_owner(world["staff"], supplier)
    with pytest.raises(PermissionDenied):
        permissions.require_member(world["anonymous"], supplier)
