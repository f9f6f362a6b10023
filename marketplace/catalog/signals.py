"""Domain signals of the catalog, sent after the transaction that caused them commits."""

from django.dispatch import Signal

# The daily check found product certificates of a supplier past their last valid day and told credit:
# sender=ProductCertification, supplier_id, certificates (the lapsed ProductCertification rows).
certificates_lapsed = Signal()
