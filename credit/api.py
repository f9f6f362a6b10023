"""REST API for data partners: POST batches of facts with a Bearer token scoped to the partner's source.

* Auth: `Authorization: Bearer tfc_…`; unknown or revoked token → 401.
* Scope: a token writes only as its own source, and the kind registry says which source types may send
  which kinds. An item of a kind the source may not send (a bank sending insurance_limit_granted) is
  *rejected per item* with field "kind" — the rest of the request is still processed, as for files.
* Limits: at most MAX_FACTS items and MAX_BODY_BYTES per request, else 413 and nothing is written;
  malformed JSON → 400; requests are throttled per token (settings.CREDIT_API_RATE, default 60/min).
* Each request is stored as an ImportBatch (channel "api"), its rejected items as RejectedRows.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from credit.imports import import_items
from credit.models import ApiToken
from credit.tokens import api_token_authenticate

API_DESCRIPTION = __doc__
MAX_FACTS = 1000
MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_RATE = "60/min"


class PartnerPrincipal:
    """Who `request.user` is for a partner call: the token's source, not a person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, token: ApiToken):
        self.token = token
        self.pk = None

    def __str__(self):
        return f"partner:{self.token.source.code}"


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>` checked against the SHA-256 stored for the token's prefix."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Malformed Authorization header: expected 'Bearer <token>'."))
        token = api_token_authenticate(parts[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed(_("Unknown or revoked API token."))
        return PartnerPrincipal(token), token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when no token is sent.
        return 'Bearer realm="credit"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Tells the OpenAPI schema how partners authenticate: an HTTP bearer token."""

    target_class = ApiTokenAuthentication
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner API token (tfc_…), scoped to the partner's data source.",
        }


class HasPartnerToken(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


class PartnerTokenThrottle(SimpleRateThrottle):
    """Requests per token, counted in the default cache (Redis in production, so shared by all servers)."""

    scope = "credit_partner"

    def get_rate(self):
        return getattr(settings, "CREDIT_API_RATE", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class FactItemSerializer(serializers.Serializer):
    """One fact as a partner sends it (documentation of the shape; the kind registry validates it)."""

    kind = serializers.CharField(help_text="A code from the fact kind registry, e.g. bank_rating.")
    subject_id = serializers.IntegerField(required=False, help_text="TrustFair company id, or:")
    subject_country = serializers.CharField(required=False, help_text="ISO 3166 two-letter code …")
    subject_registration = serializers.CharField(required=False, help_text="… with the registration number.")
    occurred_at = serializers.CharField(help_text="ISO 8601 date or date-time with offset.")
    known_at = serializers.CharField(required=False, help_text="When you learned it; default: now.")
    external_ref = serializers.CharField(help_text="Your unique reference; resending it is a no-op.")
    supersedes_ref = serializers.CharField(required=False, help_text="external_ref of a fact this corrects.")
    payload = serializers.DictField(help_text="The kind's fields; amounts as strings, dates YYYY-MM-DD.")


class FactBatchRequestSerializer(serializers.Serializer):
    facts = FactItemSerializer(many=True, max_length=MAX_FACTS)


class ItemErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    reason = serializers.CharField()


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    external_ref = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "duplicate", "rejected"])
    errors = ItemErrorSerializer(many=True)


class FactBatchResponseSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ItemResultSerializer(many=True)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class FactBatchView(APIView):
    """POST /credit/api/v1/facts/ — record up to MAX_FACTS facts; per-item results in input order."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasPartnerToken]
    throttle_classes = [PartnerTokenThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    schema = AutoSchema()

    @extend_schema(
        operation_id="facts_batch_create",
        request=FactBatchRequestSerializer,
        responses={
            200: FactBatchResponseSerializer,
            400: OpenApiResponse(DetailSerializer, description="Malformed JSON or body shape."),
            401: OpenApiResponse(DetailSerializer, description="No, unknown or revoked token."),
            413: OpenApiResponse(DetailSerializer, description="Too many facts or too large a body."),
            429: OpenApiResponse(DetailSerializer, description="Rate limit exceeded."),
        },
    )
    def post(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return self._refuse(
                _("Request body is %(size)s bytes; the limit is %(max)s. Nothing was written.")
                % {"size": length, "max": MAX_BODY_BYTES},
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        data = request.data  # malformed JSON raises ParseError → 400 with the parser's message
        items = data.get("facts") if isinstance(data, dict) else None
        if not isinstance(items, list) or not items:
            return self._refuse(
                _('Expected a JSON object {"facts": [ … ]} with at least one fact.'),
                status.HTTP_400_BAD_REQUEST,
            )
        if len(items) > MAX_FACTS:
            return self._refuse(
                _("%(n)s facts sent; at most %(max)s per request. Nothing was written.")
                % {"n": len(items), "max": MAX_FACTS},
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        result = import_items(items=items, token=request.auth)
        batch = result.batch
        return Response(
            {
                "batch": batch.pk,
                "created": batch.rows_created,
                "duplicates": batch.rows_duplicate,
                "rejected": batch.rows_rejected,
                "results": [
                    {"index": i.line, "external_ref": i.external_ref, "status": i.status, "errors": i.errors}
                    for i in result.items
                ],
            }
        )

    @staticmethod
    def _refuse(message: str, code: int) -> Response:
        return Response({"detail": message}, status=code)


def only_credit_api(endpoints):
    """Schema preprocessing hook: keep the credit partner API's own paths (wherever credit is mounted)."""
    prefix = reverse("credit:api_facts").rsplit("/facts/", 1)[0] + "/"
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(prefix)]


class CreditSchemaView(SpectacularAPIView):
    """OpenAPI schema of the partner API only, configured here rather than in global settings."""

    authentication_classes: list = []
    custom_settings = {
        "TITLE": "TrustFair credit data API",
        "DESCRIPTION": API_DESCRIPTION.strip(),
        "VERSION": "1",
        "COMPONENT_SPLIT_REQUEST": True,
        "PREPROCESSING_HOOKS": ["credit.api.only_credit_api"],
    }
