import datetime as dt
import pytest
from credit import facts
from credit.models import Fact

@pytest.mark.django_db
def test_smoke(subject, platform, bank):
    f, c = facts.record(source="platform", kind="invoice_paid", subject=subject, payload={"amount":"100.50","currency":"usd","due_date":"2024-01-10","paid_date":"2024-01-15"}, occurred_at="2024-01-15", external_ref="inv-1")
    assert c and f.metric == 5.0 and f.currency == "USD"
    f2, c2 = facts.record(source="platform", kind="invoice_paid", subject=subject, payload={"amount":"100.50","currency":"usd","due_date":"2024-01-10","paid_date":"2024-01-15"}, occurred_at="2024-01-15", external_ref="inv-1")
    assert not c2 and f2.pk == f.pk
    print(Fact.objects.get().payload)
