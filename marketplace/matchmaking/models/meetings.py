"""Meetings between companies, online or at a table, that never double-book."""

__all__: list[str] = []
