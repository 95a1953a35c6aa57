"""The application's URLs plus the benchmark floor. Only tests.benchmarks.settings uses this."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from drafting.models import Article
from drafting.urls import handler400, handler403, handler404, handler500  # noqa: F401
from drafting.urls import urlpatterns as app_urlpatterns


@require_GET
def floor(request: HttpRequest, pk: int) -> HttpResponse:
    """The floor of ../shared/benchmarks/README.md: one indexed SELECT and one UPDATE by
    primary key, nothing else (no session, no template)."""
    row = Article.all_objects.filter(pk=pk).values_list("pk", "position").first()
    if row is None:
        return HttpResponse("no such article\n", status=404, content_type="text/plain")
    Article.all_objects.filter(pk=pk).update(updated_at=timezone.now())
    return HttpResponse(f"{row[0]} {row[1]}\n", content_type="text/plain")


urlpatterns = [
    path("bench/floor/<int:pk>/", floor, name="bench-floor"),
    *app_urlpatterns,
]
