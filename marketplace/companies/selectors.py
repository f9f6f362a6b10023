"""Reads of companies for pages: the directory and the role each person lands on."""

from django.db.models import QuerySet

from marketplace.companies.models import Company, DocumentStatus, VerificationDocument


def company_directory() -> QuerySet[Company]:
    """Companies as the public directory lists them, with what each row shows already joined."""
    return Company.objects.select_related("industry")


def verification_queue() -> QuerySet[VerificationDocument]:
    """Documents awaiting an operator, oldest first."""
    return (
        VerificationDocument.objects.filter(status=DocumentStatus.PENDING)
        .select_related("company", "company__industry", "uploaded_by")
        .order_by("uploaded_at")
    )
