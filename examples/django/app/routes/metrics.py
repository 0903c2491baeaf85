"""GET /metrics: Prometheus text, outside the API and its OpenAPI document."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Request counters and durations, plus the process collectors."""
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
