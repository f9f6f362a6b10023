"""Payments of a deal's milestones: the provider interface (Stripe cards, manual T/T, L/C, D/P, D/A), protected payments released to suppliers, webhooks and reconciliation."""
