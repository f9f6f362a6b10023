"""Sign-up, email confirmation, company creation, invitations and staff removal."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from marketplace.companies import services
from marketplace.companies.models import Company, Invitation, MemberRole, Membership
from tests.factories import PASSWORD, IndustryFactory, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_confirm_email_and_create_company(client, django_capture_on_commit_callbacks):
    industry = IndustryFactory(slug="machinery", name="Machinery")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("account_signup"),
            {"email": "li.wei@haitian.example", "password1": PASSWORD, "password2": PASSWORD},
        )
        # The request does not wait on the mail server: the confirmation is queued after commit.
        assert mail.outbox == []
    assert callbacks
    assert response.status_code == 302
    # Nobody is signed in before the address is confirmed.
    assert client.get(reverse("companies:role_home")).status_code == 302
    assert "login" in client.get(reverse("companies:role_home")).url
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    assert client.post(link).status_code == 302

    assert client.get(reverse("companies:role_home")).url == reverse("companies:onboarding")
    response = client.post(
        reverse("companies:onboarding"),
        {
            "name": "Ningbo Haitian Precision",
            "kind": "supplier",
            "country": "CN",
            "industry": industry.pk,
            "registration_number": "913302001234567890",
        },
    )
    assert response.status_code == 302
    company = Company.objects.get(name="Ningbo Haitian Precision")
    membership = Membership.objects.get(company=company)
    assert membership.user.email == "li.wei@haitian.example" and membership.role == MemberRole.OWNER
    assert client.get(reverse("companies:role_home")).url == reverse("companies:supplier_home")
    assert b"Ningbo Haitian Precision" in client.get(reverse("companies:supplier_home")).content


def test_company_form_errors_stand_next_to_fields_and_nothing_is_saved(client):
    client.force_login(UserFactory())
    response = client.post(reverse("companies:onboarding"), {"name": "", "kind": "supplier", "country": "XX"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and "This field is required." in html
    assert not Company.objects.exists()


def test_duplicate_registration_in_same_country_is_refused(client, supplier_owner):
    company = supplier_owner.company
    other = UserFactory()
    client.force_login(other)
    response = client.post(
        reverse("companies:onboarding"),
        {
            "name": "Copycat",
            "kind": "buyer",
            "country": company.country.code,
            "industry": company.industry_id,
            "registration_number": company.registration_number,
        },
    )
    assert response.status_code == 200
    assert Company.objects.filter(name="Copycat").count() == 0


def test_invitation_accept_joins_the_company(client, supplier_owner):
    company = supplier_owner.company
    invitation = services.invitation_create(
        company=company, by_user=supplier_owner, email="Zhang@Example.com"
    )
    invitee = UserFactory(email="zhang@example.com")
    client.force_login(invitee)
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 200 and company.name in page.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()  # opening the link is not accepting it
    assert client.post(invitation.get_absolute_url()).status_code == 302
    assert Membership.objects.get(user=invitee).company == company
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED and invitation.accepted_by == invitee
    # The link cannot be used twice.
    with pytest.raises(ValidationError):
        services.invitation_accept(token=invitation.token, user=invitee)


def test_invitation_for_unknown_address_is_emailed(supplier_owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            company=supplier_owner.company, by_user=supplier_owner, email="new@x.example"
        )
    assert mail.outbox[-1].to == ["new@x.example"]
    assert invitation.token in mail.outbox[-1].body


def test_expired_invitation_is_refused(client, supplier_owner):
    invitation = InvitationFactory(
        company=supplier_owner.company,
        invited_by=supplier_owner,
        email="late@example.com",
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    late = UserFactory(email="late@example.com")
    client.force_login(late)
    response = client.post(invitation.get_absolute_url())
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=late).exists()


def test_revoked_invitation_is_refused(client, supplier_owner):
    invitation = services.invitation_create(
        company=supplier_owner.company, by_user=supplier_owner, email="rev@example.com"
    )
    client.force_login(supplier_owner)
    client.post(reverse("companies:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    invitee = UserFactory(email="rev@example.com")
    client.force_login(invitee)
    response = client.post(invitation.get_absolute_url())
    assert "withdrawn" in response.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_invitation_link_is_useless_to_another_person(client, supplier_owner):
    invitation = services.invitation_create(
        company=supplier_owner.company, by_user=supplier_owner, email="a@example.com"
    )
    client.force_login(UserFactory(email="b@example.com"))
    assert client.get(invitation.get_absolute_url()).status_code == 404
    assert client.post(invitation.get_absolute_url()).status_code == 404
    assert Membership.objects.filter(company=supplier_owner.company).count() == 1


def test_only_owners_invite(supplier_owner):
    staff = MembershipFactory(company=supplier_owner.company, role=MemberRole.STAFF).user
    with pytest.raises(PermissionDenied):
        services.invitation_create(company=supplier_owner.company, by_user=staff, email="x@example.com")


def test_staff_cannot_invite_through_the_page(client, supplier_owner):
    staff = MembershipFactory(company=supplier_owner.company, role=MemberRole.STAFF).user
    client.force_login(staff)
    response = client.post(reverse("companies:staff"), {"email": "x@example.com", "role": "staff"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_owner_removes_staff_but_not_the_last_owner(client, supplier_owner):
    staff = MembershipFactory(company=supplier_owner.company, role=MemberRole.STAFF)
    client.force_login(supplier_owner)
    client.post(reverse("companies:member_remove", args=[staff.pk]))
    assert not Membership.objects.filter(pk=staff.pk).exists()
    own = Membership.objects.get(user=supplier_owner)
    client.post(reverse("companies:member_remove", args=[own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()


def test_owner_of_another_company_cannot_remove_my_staff(client, supplier_owner, buyer_owner):
    staff = MembershipFactory(company=supplier_owner.company, role=MemberRole.STAFF)
    client.force_login(buyer_owner)
    assert client.post(reverse("companies:member_remove", args=[staff.pk])).status_code == 404
    assert Membership.objects.filter(pk=staff.pk).exists()


def test_removed_staff_lose_the_portal(client, supplier_owner):
    staff = MembershipFactory(company=supplier_owner.company, role=MemberRole.STAFF)
    client.force_login(staff.user)
    home = client.get(reverse("companies:supplier_home"))
    assert home.status_code == 200 and supplier_owner.company.name in home.content.decode()
    services.member_remove(membership=staff, by_user=supplier_owner)
    assert client.get(reverse("companies:supplier_home")).url == reverse("companies:onboarding")


def test_invitee_is_notified_in_app(supplier_owner, django_capture_on_commit_callbacks):
    invitee = UserFactory(email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            company=supplier_owner.company, by_user=supplier_owner, email="known@example.com"
        )
    assert invitee.notifications.filter(title__icontains="invited").exists()
