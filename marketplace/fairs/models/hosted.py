"""Hosted buyer meeting events (采购见面会): applications, proposed pairs, the schedule."""

__all__: list[str] = []
