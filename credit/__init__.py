"""The credit engine: scores subjects (settings.CREDIT_SUBJECT_MODEL); imports nothing from marketplace."""
