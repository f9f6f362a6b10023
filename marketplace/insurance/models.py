"""The insurance tables."""
