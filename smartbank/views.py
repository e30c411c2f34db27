"""The project's error handlers (``handler400/403/404/500`` in ``smartbank/urls.py``).

Paths under ``/api/`` answer the API's JSON error body (:mod:`smartbank.api`); every other path
the branded page ``templates/<status>.html``. Neither shows an exception's text.
"""

from django.http import HttpRequest, HttpResponse
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from .api import django_error_response, is_api_request


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return django_error_response(400)
    return defaults.bad_request(request, exception)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return django_error_response(403)
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return django_error_response(404)
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # templates/500.html renders without a request context: no database, no context processors.
    if is_api_request(request):
        return django_error_response(500)
    return defaults.server_error(request)
