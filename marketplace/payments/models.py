"""The payments tables."""
