"""The financing tables."""
