"""The project's URLs plus views that fail on purpose, for the error page tests.

The error handlers are the project's own (imported from ``smartbank.urls``): Django looks them
up on the root URLconf module.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from smartbank.urls import handler400, handler403, handler404, handler500  # noqa: F401
from smartbank.urls import urlpatterns as project_urlpatterns

SECRET_DETAIL = "db password is hunter2 at 10.0.0.5"  # noqa: S105 - must never reach a client


def page_forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET_DETAIL)


def page_broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


class BrokenApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError(SECRET_DETAIL)


urlpatterns = [
    path("broken/forbidden/", page_forbidden),
    path("broken/server/", page_broken),
    path("api/v1/broken/forbidden/", page_forbidden),
    path("api/v1/broken/server/", page_broken),
    path("api/v1/broken/view/", BrokenApi.as_view()),
    *project_urlpatterns,
]
