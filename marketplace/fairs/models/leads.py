"""Leads captured at the booth by scanning badges."""

__all__: list[str] = []
