"""Booth grids, exhibitor applications and booth assignments."""

__all__: list[str] = []
