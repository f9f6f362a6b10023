"""OpenAPI schema scope: our partner APIs, not Wagtail's internal admin API."""

PUBLIC_API_PREFIXES = ("/credit/api/",)


def only_platform_apis(endpoints):
    return [e for e in endpoints if e[0].startswith(PUBLIC_API_PREFIXES)]
