"""Sourcing requests (RFQs) and the quotations that answer them."""

__all__: list[str] = []
