"""Every URL of the site, tried by every kind of person against objects that really exist.

The world has two suppliers (A, ours; B, theirs) and two buyers (C, ours; D, B's showcase audience).
B's private things carry marker strings. Each role opens every route — filled in with B's objects —
by GET and by an empty POST, and the test fails on any 5xx, on any response that shows a marker the
role may not see, or if B's objects changed. A new route fails the test until it is added to ROUTES:
the walk grows with every app.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from credit.models import FactDispute, GatingOverride
from marketplace.catalog.models import Product, ProductImport, ProductStatus
from marketplace.companies.models import CompanyKind, MemberRole, PlatformRole
from marketplace.deals.models import Deal
from marketplace.fairs.models import Badge, HostedApplication, Lead
from marketplace.financing.models import FinancingApplication
from marketplace.insurance.models import Claim, CreditLimit, Declaration
from marketplace.matchmaking.models.meetings import Meeting
from marketplace.showcases.models import Showcase, ShowcaseAccess
from tests.credit.factories import (
    DisputeEvidenceFactory,
    FactDisputeFactory,
    FactFactory,
    GatingOverrideFactory,
)
from tests.marketplace.catalog.factories import (
    CertificationFactory,
    ProductFactory,
    ProductImageFactory,
    ProductImportFactory,
)
from tests.marketplace.companies.factories import (
    CompanyFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    VerificationDocumentFactory,
)
from tests.marketplace.deals.factories import (
    AttachmentFactory,
    ContractFactory,
    DealFactory,
    DisputeFactory,
    FactoryVisitFactory,
    MessageFactory,
    MilestoneFactory,
    OfferFactory,
    OrderFactory,
    PaymentProofFactory,
    ShipmentDocumentFactory,
    ShipmentFactory,
    VisitPhotoFactory,
    agreed_deal,
)
from tests.marketplace.deals.factories import DisputeEvidenceFactory as DealDisputeEvidenceFactory
from tests.marketplace.fairs.factories import (
    BadgeFactory,
    FairPhaseFactory,
    FairSessionFactory,
    HallFactory,
    RegistrationFactory,
    ServicePointFactory,
)
from tests.marketplace.fairs.factories_exhibitors import ExhibitorApplicationFactory
from tests.marketplace.fairs.factories_hosted import HostedApplicationFactory
from tests.marketplace.fairs.factories_leads import LeadFactory
from tests.marketplace.financing.factories import FinancingApplicationFactory
from tests.marketplace.insurance.factories import (
    ClaimFactory,
    CreditLimitFactory,
    DeclarationFactory,
    PolicyFactory,
)
from tests.marketplace.matchmaking.factories_meetings import MeetingFactory, MeetingSlotFactory
from tests.marketplace.matchmaking.factories_rfq import (
    QuotationAttachmentFactory,
    QuotationFactory,
    QuotationTierFactory,
    RfqAttachmentFactory,
    RfqFactory,
)
from tests.marketplace.notifications.factories import NotificationFactory
from tests.marketplace.payments.factories import PaymentAttemptFactory
from tests.marketplace.showcases.factories import (
    ShowcaseAccessFactory,
    ShowcaseFactory,
    ShowcaseInvitationFactory,
    ShowcaseItemFactory,
)

pytestmark = pytest.mark.django_db

# B's secrets, and who besides B's own members may see each.
DRAFT = "SECRET-B-DRAFT-PRODUCT"
SHOWCASE_ONLY = "SECRET-B-SHOWCASE-ONLY"
SHOWCASE_TITLE = "SECRET-B-SHOWCASE-TITLE"
SHOWCASE_PRICE = "987.6543"
IMPORT_NAME = "secret-b-import.csv"
NOTE = "SECRET-B-NOTIFICATION"
DOCUMENT_NAME = "secret-b-licence.pdf"
OVERRIDE_REASON = "SECRET-B-OVERRIDE-REASON"
EXHIBITOR_REASON = "SECRET-B-EXHIBITOR-REJECTION"
DISPUTE = "SECRET-B-DISPUTE-STATEMENT"
EVIDENCE_NAME = "secret-b-evidence.pdf"
DEAL_SUBJECT = "SECRET-B-D-DEAL"
DEAL_MESSAGE = "SECRET-B-D-MESSAGE"
DEAL_FILE = "secret-b-d-drawing.pdf"
RFQ_TITLE = "SECRET-D-RFQ-FOR-B-ONLY"
QUOTATION_MESSAGE = "SECRET-B-QUOTATION-TO-D"
MEETING_SUBJECT = "SECRET-B-D-MEETING"
FINANCING_NOTE = "SECRET-B-FINANCING-NOTE"
BADGE_HOLDER = "SECRET-B-BADGE-HOLDER"
LEAD_NOTES = "SECRET-B-LEAD-NOTES-ON-D"
HOSTED_NEED = "SECRET-B-HOSTED-PRODUCTS"
MAY_SEE = {
    DRAFT: set(),
    SHOWCASE_ONLY: {"audience_buyer"},
    SHOWCASE_TITLE: {"audience_buyer"},
    SHOWCASE_PRICE: {"audience_buyer"},
    IMPORT_NAME: set(),
    NOTE: set(),
    DOCUMENT_NAME: {"operator"},
    OVERRIDE_REASON: {"risk_officer"},
    # B's rejected exhibitor application: the reason is for B and the operators only.
    EXHIBITOR_REASON: {"operator"},
    DISPUTE: {"risk_officer"},
    EVIDENCE_NAME: {"risk_officer"},
    DEAL_SUBJECT: {"audience_buyer", "operator", "risk_officer"},
    DEAL_MESSAGE: {"audience_buyer", "operator", "risk_officer"},
    DEAL_FILE: {"audience_buyer", "operator", "risk_officer"},
    # D's sourcing request for invited B only, and B's quotation on it: D sees both, nobody else.
    RFQ_TITLE: {"audience_buyer"},
    QUOTATION_MESSAGE: {"audience_buyer"},
    MEETING_SUBJECT: {"audience_buyer", "operator"},
    # B's application to a hosted buyer meeting: the operators (and the partner chamber) only.
    HOSTED_NEED: {"operator"},
    # B's financing with a partner bank: never the buyer (D), only the platform's risk officers besides B.
    FINANCING_NOTE: {"risk_officer"},
    # B's owner's fair badge: only its holder and the staff of B's service point (B's owner here) see it.
    BADGE_HOLDER: set(),
    # B's notes on the badge of D's buyer scanned at B's booth: D sees that B scanned it, never the notes.
    LEAD_NOTES: set(),
}

# Routes left out of the walk, with the reason.
SKIPPED = {
    "healthz": "no data",
    "favicon.ico": "a redirect to a static file",
    "companies:language_switch": "sets a cookie; tested in tests/marketplace/companies/test_language.py",
    "credit:api_facts": "token-authenticated API; tested in tests/credit/test_api.py",
    "credit:api_schema": "public OpenAPI schema",
    "wagtailcore_login": "Wagtail's own login form",
    "wagtailcore_authenticate_with_password": "tested in tests/cms/test_restricted_pages.py",
    "wagtail_serve": "pages of the CMS; tested in tests/cms",
    "payments:stripe_webhook": "signed by Stripe, no session; tested in tests/marketplace/payments/test_webhooks.py",
}
PREFIXES_SKIPPED = (
    "django-admin/",
    "cms/",
    "accounts/",
    "i18n/",
    "documents/cms/",
    "static/",
    "media/",
    "^media/",
)


def _routes(patterns=None, prefix="", namespace=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if not route.startswith(PREFIXES_SKIPPED):
                yield (namespace + p.name) if p.name else route


@pytest.fixture
def world():
    a = CompanyFactory(name="Alpha Machinery", kind=CompanyKind.SUPPLIER)
    b = CompanyFactory(name="Bravo Tools", kind=CompanyKind.SUPPLIER)
    c = CompanyFactory(name="Charlie Imports", kind=CompanyKind.BUYER)
    d = CompanyFactory(name="Delta Trading", kind=CompanyKind.BUYER)
    people = {
        "anonymous": None,
        "supplier_owner": MembershipFactory(company=a).user,
        "supplier_staff": MembershipFactory(company=a, role=MemberRole.STAFF).user,
        "buyer_owner": MembershipFactory(company=c).user,
        "audience_buyer": MembershipFactory(company=d).user,
        "no_company": UserFactory(),
        "editor": UserFactory(platform_role=PlatformRole.EDITOR),
        "operator": UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True),
        "risk_officer": UserFactory(platform_role=PlatformRole.RISK_OFFICER),
    }
    b_owner = MembershipFactory(company=b).user
    deal = DealFactory(supplier=b, buyer=d, subject=DEAL_SUBJECT, created_by=b_owner, state="negotiation")
    public = ProductFactory(supplier=b, name="Bravo public lathe")
    draft = ProductFactory(supplier=b, name=DRAFT, status=ProductStatus.DRAFT, published_at=None)
    showcase_only = ProductFactory(supplier=b, name=SHOWCASE_ONLY, showcase_only=True)
    image = ProductImageFactory(product=draft)
    certificate = CertificationFactory(product=draft)
    showcase = ShowcaseFactory(supplier=b, created_by=b_owner, title=SHOWCASE_TITLE)
    item = ShowcaseItemFactory(showcase=showcase, product=showcase_only, price=SHOWCASE_PRICE)
    ShowcaseAccessFactory(showcase=showcase, company=d)
    w = {
        "people": people,
        "b": b,
        "public": public,
        "draft": draft,
        "image": image,
        "certificate": certificate,
        "showcase": showcase,
        "item": item,
        "showcase_image": ProductImageFactory(product=showcase_only),
        # Already opened by D: a bearer link admits the first buyer company that opens it, by design.
        "showcase_invitation": ShowcaseInvitationFactory(
            showcase=showcase,
            claimed_by_company=d,
            claimed_by=people["audience_buyer"],
            claimed_at=timezone.now(),
        ),
        "staff_invitation": InvitationFactory(company=b, invited_by=b_owner),
        "b_member": b.memberships.get(),
        "document": VerificationDocumentFactory(company=b, uploaded_by=b_owner, original_name=DOCUMENT_NAME),
        "import": ProductImportFactory(supplier=b, created_by=b_owner, original_name=IMPORT_NAME),
        "note": NotificationFactory(recipient=b_owner, title=NOTE),
        "session": FairSessionFactory(),
        "override": GatingOverrideFactory(
            subject=b,
            reason=OVERRIDE_REASON,
            status=GatingOverride.Status.PENDING,
            needs_second_approval=True,
        ),
        "evidence": DisputeEvidenceFactory(
            dispute=FactDisputeFactory(fact=FactFactory(subject=b), opened_by=b_owner, statement=DISPUTE),
            original_name=EVIDENCE_NAME,
            uploaded_by=b_owner,
        ),
        # A deal between B and D: every walker but D's member must get the same 404 as a missing deal.
        "deal": deal,
        # From D itself, so that D (a party) walking "accept" is refused: only the other side decides.
        "offer": OfferFactory(deal=deal, created_by=people["audience_buyer"], from_side="buyer"),
        "attachment": AttachmentFactory(
            message=MessageFactory(deal=deal, author=b_owner, author_company=b, body=DEAL_MESSAGE),
            original_name=DEAL_FILE,
        ),
        # --- contract, order, milestones (D2): an ordered deal between B and D with a proof of payment ---
        **_ordered_deal(b, d),
    }
    # --- visits, shipments, disputes, ratings (D3): one of each file on B's deal with D ---
    visit = FactoryVisitFactory(deal=w["deal"], requested_by=b_owner)
    w["visit"] = visit
    w["visit_photo"] = VisitPhotoFactory(visit=visit, original_name=DEAL_FILE)
    w["shipment_document"] = ShipmentDocumentFactory(
        shipment=ShipmentFactory(deal=w["deal"]), original_name=DEAL_FILE
    )
    w["dispute_evidence"] = DealDisputeEvidenceFactory(
        dispute=DisputeFactory(deal=w["deal"]), original_name=DEAL_FILE
    )
    # --- sourcing requests: D's RFQ for invited B only, with B's quotation and a file on each ---
    rfq = RfqFactory(buyer=d, created_by=people["audience_buyer"], title=RFQ_TITLE, visibility="invited")
    rfq.invited.set([b])
    quotation = QuotationFactory(rfq=rfq, supplier=b, created_by=b_owner, message=QUOTATION_MESSAGE)
    QuotationTierFactory(quotation=quotation, min_quantity=1)
    w["rfq"], w["quotation"] = rfq, quotation
    w["rfq_file"] = RfqAttachmentFactory(rfq=rfq, uploaded_by=people["audience_buyer"])
    w["quotation_file"] = QuotationAttachmentFactory(quotation=quotation, uploaded_by=b_owner)
    # --- meetings (issue 14): B's pending request to D, one proposed slot ---
    w["meeting"] = MeetingFactory(
        requester=b_owner, requester_company=b, invitee_company=d, subject=MEETING_SUBJECT
    )
    w["meeting_slot"] = MeetingSlotFactory(meeting=w["meeting"])
    # --- fair leads: B scanned the badge of D's buyer at B's booth, with notes ---
    w["lead"] = LeadFactory(
        company=b,
        badge=BadgeFactory(
            registration=RegistrationFactory(session=w["session"], user=people["audience_buyer"], company=d)
        ),
        notes=LEAD_NOTES,
        scanned_by=b_owner,
    )
    # --- hosted buyer meetings: B's application to an event, its products a secret of B and the hosts ---
    w["hosted_application"] = HostedApplicationFactory(
        company=b, applicant=b_owner, side="supplier", need=HOSTED_NEED
    )
    # --- export credit insurance: B's limit on D with an insurer, a declared shipment and its claim ---
    limit = CreditLimitFactory(
        policy=PolicyFactory(insured=b), deal=w["ordered_deal"], buyer=d, approved=True
    )
    w["insurance_limit"] = limit
    w["insurance_claim"] = ClaimFactory(declaration=DeclarationFactory(limit=limit, status="claimed"))
    w["insurance_declaration"] = w["insurance_claim"].declaration
    # --- fair badges (issue 15): B's owner registered for the session; a service point staffed by B's owner ---
    w["badge"] = BadgeFactory(
        registration__session=w["session"],
        registration__user=b_owner,
        registration__company=b,
        registration__full_name=BADGE_HOLDER,
    )
    w["service_point"] = ServicePointFactory(session=w["session"])
    w["service_point"].staff.add(b_owner)
    exhibitor_phase = FairPhaseFactory(session=w["session"], number=1)
    w["hall"] = HallFactory(session=w["session"], code="11.2")
    w["exhibitor_application"] = ExhibitorApplicationFactory(
        phase=exhibitor_phase, company=b, status="rejected", reason=EXHIBITOR_REASON
    )
    return w


def _ordered_deal(b, d):
    deal = agreed_deal(buyer=d, supplier=b)
    deal.subject = DEAL_SUBJECT
    deal.save(update_fields=["subject"])
    contract = ContractFactory(deal=deal, offer=deal.accepted_offer)
    voided = ContractFactory(deal=deal, offer=deal.accepted_offer, voided_at=timezone.now())
    order = OrderFactory(deal=deal, offer=deal.accepted_offer)
    milestone = MilestoneFactory(order=order, deal=deal, seq=1)
    return {
        "financing": FinancingApplicationFactory(order=order, note=FINANCING_NOTE),
        "ordered_deal": deal,
        "contract": contract,
        "voided_contract": voided,
        "milestone": milestone,
        "proof": PaymentProofFactory(milestone=milestone),
        "attempt": PaymentAttemptFactory(milestone=milestone),
    }


def _kwargs(w):
    """Each route, filled in with B's objects (the other company's, for every role but the audience)."""
    sc, item, draft = w["showcase"], w["item"], w["draft"]
    return {
        "deals:deal_list": [{}],
        # --- meetings (issue 14) ---
        "meetings:list": [{}],
        "meetings:request": [{}],
        "meetings:settings": [{}],
        "meetings:statistics": [{}],
        "meetings:feed": [{"token": "not-a-real-token"}],
        **{
            f"meetings:{name}": [{"pk": w["meeting"].pk}]
            for name in (
                "detail",
                "ics",
                "accept",
                "decline",
                "reschedule",
                "cancel",
                "attendance",
                "resolve",
            )
        },
        "matches:match_list": [{}],
        "matches:match_feedback": [{}],
        "deals:inquiry_from_product": [{"product_pk": w["public"].pk}, {"product_pk": draft.pk}],
        "deals:inquiry_from_company": [{"slug": w["b"].slug}],
        "deals:message_post": [{"pk": w["deal"].pk}],
        "deals:offer_create": [{"pk": w["deal"].pk}],
        "deals:offer_decide": [
            {"pk": w["deal"].pk, "offer_pk": w["offer"].pk, "decision": d} for d in ("accept", "decline")
        ],
        "deals:deal_cancel": [{"pk": w["deal"].pk}],
        "deals:deal_reopen": [{"pk": w["deal"].pk}, {"pk": w["ordered_deal"].pk}],
        "deals:attachment_file": [{"pk": w["deal"].pk, "attachment_pk": w["attachment"].pk}],
        "deals:deal_verify": [{"pk": w["deal"].pk}],
        "deals:deal_detail": [{"pk": w["deal"].pk}, {"pk": w["ordered_deal"].pk}],
        "deals:contract_pdf": [{"pk": w["ordered_deal"].pk}],
        "deals:voided_contract_pdf": [
            {"pk": w["ordered_deal"].pk, "contract_pk": w["voided_contract"].pk},
            {"pk": w["deal"].pk, "contract_pk": w["voided_contract"].pk},
        ],
        "deals:contract_issue": [{"pk": w["ordered_deal"].pk}, {"pk": w["deal"].pk}],
        "deals:contract_accept": [{"pk": w["ordered_deal"].pk}],
        "deals:order_place": [{"pk": w["ordered_deal"].pk}],
        "deals:milestone_proof": [{"pk": w["ordered_deal"].pk, "seq": 1}],
        "deals:milestone_confirm": [{"pk": w["ordered_deal"].pk, "seq": 1}],
        "deals:proof_file": [{"pk": w["ordered_deal"].pk, "proof_pk": w["proof"].pk}],
        # --- payments ---
        "payments:milestone_payment": [{"pk": w["ordered_deal"].pk, "seq": 1}],
        **{
            f"payments:attempt_{name}": [{"pk": w["attempt"].pk}]
            for name in ("detail", "card", "verify", "cancel", "proof", "refund")
        },
        "payments:payout_account": [{}],
        "payments:payout_onboard": [{}],
        "payments:payout_return": [{}],
        "payments:operator_attempts": [{}],
        # --- visits, shipments, disputes, ratings (D3) ---
        "deals:visit_request": [{"pk": w["deal"].pk}],
        "deals:visit_confirm": [{"pk": w["deal"].pk, "visit_pk": w["visit"].pk}],
        "deals:visit_report": [{"pk": w["deal"].pk, "visit_pk": w["visit"].pk}],
        "deals:visit_photo": [{"pk": w["deal"].pk, "file_pk": w["visit_photo"].pk}],
        "deals:shipment_create": [{"pk": w["deal"].pk}],
        "deals:shipment_document": [{"pk": w["deal"].pk, "file_pk": w["shipment_document"].pk}],
        "deals:delivery_confirm": [{"pk": w["deal"].pk}],
        "deals:dispute_open": [{"pk": w["deal"].pk}],
        "deals:dispute_answer": [{"pk": w["deal"].pk}],
        "deals:dispute_resolve": [{"pk": w["deal"].pk}],
        "deals:dispute_evidence": [{"pk": w["deal"].pk, "file_pk": w["dispute_evidence"].pk}],
        "deals:rating_create": [{"pk": w["deal"].pk}],
        "rfq:rfq_list": [{}],
        "rfq:inbox": [{}],
        "rfq:profile": [{}],
        "rfq:rfq_create": [{}],
        "rfq:rfq_detail": [{"pk": w["rfq"].pk}],
        "rfq:rfq_edit": [{"pk": w["rfq"].pk}],
        "rfq:rfq_cancel": [{"pk": w["rfq"].pk}],
        "rfq:rfq_file": [{"pk": w["rfq"].pk, "attachment_pk": w["rfq_file"].pk}],
        "rfq:compare": [{"pk": w["rfq"].pk}],
        "rfq:quotation_create": [{"pk": w["rfq"].pk}],
        "rfq:quotation_detail": [{"pk": w["rfq"].pk, "quotation_pk": w["quotation"].pk}],
        "rfq:quotation_revise": [{"pk": w["rfq"].pk, "quotation_pk": w["quotation"].pk}],
        "rfq:quotation_file": [
            {"pk": w["rfq"].pk, "quotation_pk": w["quotation"].pk, "attachment_pk": w["quotation_file"].pk}
        ],
        "rfq:quotation_decide": [
            {"pk": w["rfq"].pk, "quotation_pk": w["quotation"].pk, "decision": d}
            for d in ("shortlist", "decline", "accept")
        ],
        "financing:application_list": [{}],
        "financing:application_create": [{"pk": w["ordered_deal"].pk}],
        "financing:bank_queue": [{}],
        "financing:application_detail": [{"pk": w["financing"].pk}],
        "financing:application_decide": [
            {"pk": w["financing"].pk, "decision": d} for d in ("approve", "counter", "decline")
        ],
        "financing:application_answer": [
            {"pk": w["financing"].pk, "answer": a} for a in ("accept", "decline", "withdraw")
        ],
        "financing:application_disburse": [{"pk": w["financing"].pk}],
        "financing:repayment_create": [{"pk": w["financing"].pk}],
        "insurance:queue": [{}],
        "insurance:rates": [{}],
        "insurance:limit_detail": [{"pk": w["insurance_limit"].pk}],
        "insurance:claim_detail": [{"pk": w["insurance_claim"].pk}],
        "insurance:deal_insurance": [{"pk": w["ordered_deal"].pk}],
        "insurance:request_cover": [{"pk": w["ordered_deal"].pk}],
        "insurance:declare": [{"pk": w["ordered_deal"].pk}],
        "insurance:certificate": [{"pk": w["insurance_declaration"].pk}],
        "insurance:report_overdue": [{"pk": w["insurance_declaration"].pk}],
        "insurance:file_claim": [{"pk": w["insurance_declaration"].pk}],
        "notifications:notification_list": [{}],
        "notifications:notification_read": [{}],
        "fairs:session_list": [{}],
        "buyer_meetings:event_list": [{}],
        "buyer_meetings:event_create": [{}],
        **{
            f"buyer_meetings:{name}": [{"pk": w["hosted_application"].event_id}]
            for name in (
                "event_edit",
                "manage",
                "action",
                "attendance",
                "apply",
                "agenda",
                "agenda_ics",
                "agenda_pdf",
            )
        },
        "buyer_meetings:answer": [{"pk": w["hosted_application"].event_id, "pair_pk": 999999}],
        "fairs:session_detail": [{"slug": w["session"].slug}],
        "badges:my_badges": [{}],
        "badges:badge_pdf": [{"pk": w["badge"].pk}],
        "badges:register": [{"slug": w["session"].slug}],
        "badges:register_staff": [{"slug": w["session"].slug}],
        "badges:desk_list": [{}],
        **{
            f"badges:{name}": [{"pk": w["service_point"].pk}]
            for name in ("desk", "desk_check_in", "desk_walk_in")
        },
        **{
            f"badges:{name}": [{"pk": w["service_point"].pk, "badge_pk": w["badge"].pk}]
            for name in ("desk_badge", "desk_badge_pdf", "desk_reprint", "desk_revoke")
        },
        "leads:lead_list": [{}],
        "leads:service_worker": [{}],
        "leads:mine": [{}],
        "leads:withdraw": [{"pk": w["lead"].pk}],
        "leads:capture": [{"slug": w["session"].slug}],
        "leads:upload": [{"slug": w["session"].slug}],
        "leads:lead_detail": [{"pk": w["lead"].pk}],
        "leads:convert": [{"pk": w["lead"].pk}],
        "fair_roi:session_roi": [{"slug": w["session"].slug}],
        "fair_roi:session_roi_csv": [{"slug": w["session"].slug}],
        "exhibitors:my_applications": [{}],
        "exhibitors:application_queue": [{}],
        **{
            f"exhibitors:application_{what}": [{"pk": w["exhibitor_application"].pk}]
            for what in ("detail", "approve", "reject", "withdraw")
        },
        "exhibitors:directory": [{"slug": w["session"].slug}],
        "exhibitors:apply": [{"slug": w["session"].slug, "number": 1}],
        "exhibitors:floor_plan": [{"slug": w["session"].slug, "number": 1, "hall": "11.2"}],
        "credit:batch_list": [{}],
        "credit:batch_upload": [{}],
        "credit:batch_detail": [],
        "credit:subject_credit": [{"subject_id": w["b"].pk}],
        "credit:model_registry": [{}],
        "credit:model_promote": [{"version": 1}],
        "credit:gating_policy": [{}],
        "credit:gating_override_list": [{}],
        "credit:gating_override_create": [{}],
        "credit:gating_override_detail": [{"pk": w["override"].pk}],
        "credit:gating_override_decide": [
            {"pk": w["override"].pk, "action": a} for a in ("approve", "reject")
        ],
        "credit:subject_facts": [{"subject_id": w["b"].pk}],
        "credit:dispute_open": [{"fact_id": w["evidence"].dispute.fact_id}],
        "credit:dispute_queue": [{}],
        "credit:dispute_overdue": [{}],
        "credit:dispute_detail": [{"pk": w["evidence"].dispute_id}],
        "credit:dispute_decide": [{"pk": w["evidence"].dispute_id}],
        "credit:dispute_withdraw": [{"pk": w["evidence"].dispute_id}],
        "credit:dispute_add_evidence": [{"pk": w["evidence"].dispute_id}],
        "credit:dispute_evidence": [{"pk": w["evidence"].dispute_id, "evidence_id": w["evidence"].pk}],
        "core:fx_rates": [{}],
        "companies:company_list": [{}],
        "companies:company_detail": [{"slug": w["b"].slug}],
        "companies:role_home": [{}],
        "companies:onboarding": [{}],
        "companies:invitation_accept": [{"token": w["staff_invitation"].token}],
        "companies:supplier_home": [{}],
        "companies:buyer_home": [{}],
        "companies:company_edit": [{}],
        "companies:staff": [{}],
        "companies:invitation_revoke": [{"pk": w["staff_invitation"].pk}],
        "companies:member_remove": [{"pk": w["b_member"].pk}],
        "companies:verification": [{}],
        "companies:company_credit": [{}],
        "companies:document_file": [{"pk": w["document"].pk}],
        "companies:operator_queue": [{}],
        "companies:operator_review": [{"pk": w["document"].pk}],
        "companies:risk_home": [{}],
        "catalog:product_list": [{}],
        "catalog:product_detail": [{"pk": draft.pk}, {"pk": w["public"].pk}, {"pk": item.product_id}],
        "catalog:product_image": [
            {"pk": draft.pk, "image_pk": w["image"].pk, "size": s} for s in ("thumb", "full")
        ],
        "catalog:certificate_file": [{"pk": draft.pk, "cert_pk": w["certificate"].pk}],
        "catalog:supplier_site": [{"slug": w["b"].slug}],
        "catalog:portal_product_list": [{}],
        "catalog:portal_product_create": [{}],
        "catalog:portal_product_export": [{}],
        "catalog:portal_import": [{}],
        "catalog:portal_import_preview": [{"pk": w["import"].pk}],
        "catalog:portal_import_apply": [{"pk": w["import"].pk}],
        "catalog:portal_import_rejected": [{"pk": w["import"].pk}],
        "catalog:portal_product_edit": [{"pk": draft.pk}],
        "catalog:portal_product_action": [
            {"pk": draft.pk, "action": a} for a in ("publish", "archive", "duplicate")
        ],
        "catalog:portal_image_add": [{"pk": draft.pk}],
        "catalog:portal_image_delete": [{"pk": draft.pk, "image_pk": w["image"].pk}],
        "catalog:portal_certification_add": [{"pk": draft.pk}],
        "catalog:portal_certification_delete": [{"pk": draft.pk, "cert_pk": w["certificate"].pk}],
        "showcases:showcase_list": [{}],
        "showcases:showcase_create": [{}],
        "showcases:showcase_manage": [{"pk": sc.pk}],
        "showcases:showcase_action": [
            {"pk": sc.pk, "action": a} for a in ("text", "share", "close", "revoke")
        ],
        "showcases:shared_list": [{}],
        "showcases:invitation_open": [{"token": w["showcase_invitation"].token}],
        "showcases:showcase_detail": [{"token": sc.token}],
        "showcases:showcase_item": [{"token": sc.token, "item_pk": item.pk}],
        "showcases:interest_create": [{"token": sc.token, "item_pk": item.pk}],
        "showcases:interest_convert": [{"token": sc.token, "item_pk": item.pk}],
        "showcases:showcase_image": [
            {"token": sc.token, "item_pk": item.pk, "image_pk": w["showcase_image"].pk, "size": "thumb"}
        ],
    }


def _state(w):
    """What must not change under anyone but B: B's products, showcase, memberships and invitations."""
    b = w["b"]
    return (
        sorted(Product.objects.filter(supplier=b).values_list("pk", "name", "status", "min_price")),
        list(Showcase.objects.filter(supplier=b).values_list("pk", "title", "closed_at", "valid_until")),
        sorted(b.memberships.values_list("pk", "role")),
        sorted(b.invitations.values_list("pk", "revoked_at", "accepted_at")),
        sorted(ShowcaseAccess.objects.filter(showcase__supplier=b).values_list("company_id", "revoked_at")),
        ProductImport.objects.get(pk=w["import"].pk).status,
        sorted(FactDispute.objects.filter(subject=b).values_list("pk", "status", "evidence__pk")),
        # The deal between B and D: only its parties act in it.
        Deal.objects.values_list("state", "record_length").get(pk=w["deal"].pk),
        # B's meeting request to D: only D answers it, only B or D changes it.
        Meeting.objects.values_list("state", "sequence").get(pk=w["meeting"].pk),
        # B's financing: only B and its bank move it.
        FinancingApplication.objects.values_list("status", "offer_amount").get(pk=w["financing"].pk),
        # B's insurance: only B applies and claims, only the insurer decides.
        CreditLimit.objects.values_list("status", "amount", "used").get(pk=w["insurance_limit"].pk),
        Declaration.objects.values_list("status").get(pk=w["insurance_declaration"].pk),
        Claim.objects.values_list("status").get(pk=w["insurance_claim"].pk),
        # B's owner's badge: only B's service point reprints or revokes it.
        Badge.objects.values_list("nonce", "revoked_at").get(pk=w["badge"].pk),
        # B's lead: only B edits or converts it.
        Lead.objects.values_list("notes", "rating", "status", "deal").get(pk=w["lead"].pk),
        HostedApplication.objects.values_list("status", "need").get(pk=w["hosted_application"].pk),
    )


def test_every_route_is_in_the_walk(world):
    names = set(_kwargs(world)) | set(SKIPPED)
    missing = [name for name in _routes() if name not in names]
    assert not missing, f"add these routes to tests/test_url_walk.py (ROUTES or SKIPPED): {missing}"


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "supplier_owner",
        "supplier_staff",
        "buyer_owner",
        "audience_buyer",
        "no_company",
        "editor",
        "operator",
        "risk_officer",
    ],
)
def test_no_role_sees_another_companys_private_data_or_breaks_a_page(client, world, role):
    user = world["people"][role]
    before = _state(world)
    problems = []
    for name, variants in _kwargs(world).items():
        for kwargs in variants:
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                client.logout()
                if user is not None:
                    client.force_login(user)
                response = getattr(client, method)(url)
                if response.status_code >= 500:
                    problems.append(f"{method.upper()} {url}: {response.status_code}")
                    continue
                body = _body(response) + response.get("Location", "")
                for marker, allowed in MAY_SEE.items():
                    if marker in body and role not in allowed:
                        problems.append(f"{method.upper()} {url}: shows {marker}")
    assert not problems, "\n".join(problems)
    assert _state(world) == before, "someone who is not B changed B's objects"
