"""Financing's domain signal, sent after the transaction that caused it commits.

`application_changed`: sender=FinancingApplication, application, event (str: "submit", "approve",
"counter", "decline", "accept_counter", "decline_counter", "withdraw", "disburse", "repay", "settle",
"go_overdue"), actor (the user, or None for the daily check).
"""

from django.dispatch import Signal

application_changed = Signal()
