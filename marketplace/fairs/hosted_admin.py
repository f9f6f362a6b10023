"""The Django admin of the fair's hosted."""
