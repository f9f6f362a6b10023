"""What the ranking of suppliers keeps: per-supplier signals, fair presence, and buyers' feedback on matches."""

__all__: list[str] = []
