"""The app's URLs plus two that fail on purpose, for the 500 pages (never part of anju/urls.py)."""

from django.urls import path

from anju.urls import handler400, handler403, handler404, handler500  # noqa: F401
from anju.urls import urlpatterns as app_urlpatterns


def _broken(request):
    raise RuntimeError("a bug, on purpose")


urlpatterns = [
    path("test-broken/", _broken),
    path("api/test-broken/", _broken),
    *app_urlpatterns,
]
