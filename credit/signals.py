"""Signals the credit data side sends; the index (next issue) listens to recompute assessments."""

from django.dispatch import Signal

# Sent after the transaction that stored new facts commits (never for duplicates).
# kwargs: subject_ids (frozenset[int]), fact (the Fact for a single `record`, else None),
# batch (the ImportBatch for a file/upload/API batch, else None).
fact_recorded = Signal()

# Sent after the transaction that made a model version champion commits. kwargs: version (ModelVersion).
model_promoted = Signal()

# Sent after the transaction that opened, decided or withdrew a fact dispute commits. kwargs: dispute
# (FactDispute), action ("opened" | "corrected" | "retracted" | "rejected" | "withdrawn"). The marketplace's receivers
# turn it into notifications (credit notifies nobody itself).
dispute_changed = Signal()
