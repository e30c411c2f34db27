"""The staff console's site: Django's admin behind the one login of the customer pages (issue 12).

Staff log in where customers do (``accounts:login``: password, then a code by email or SMS,
``accounts:otp``); the console has no login form of its own. A request the console may not
serve is answered by who asks:

- nobody logged in: a redirect to ``accounts:login?next=<the admin path>`` (``/admin/login/``
  too, with its own ``next`` or the console's index);
- a session past the password but not the code: a redirect to ``accounts:otp?next=...`` (the
  second step of the same login; ``accounts.middleware.OtpRequiredMiddleware`` sends it there
  before the console is reached);
- a verified customer, or staff marked inactive: 403 (the branded ``templates/403.html``).

The console's permission is ``is_active``, ``is_staff`` and ``user.is_verified()`` (django-otp:
the session passed a device's code). Logging out of the console ends, like the customer pages,
on ``settings.LOGOUT_REDIRECT_URL`` (the "You have logged out" page).
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect


def is_verified_staff(user: Any) -> bool:
    """Active staff whose session passed the second factor (the console's permission)."""
    return bool(
        user is not None
        and user.is_active
        and user.is_staff
        and getattr(user, "is_verified", lambda: False)()
    )


class StaffConsoleSite(admin.AdminSite):
    """The admin site with the one login (module docstring). ``smartbank/urls.py`` makes
    ``admin.site`` one, so every ``@admin.register`` keeps its place."""

    def has_permission(self, request: HttpRequest) -> bool:
        return is_verified_staff(request.user)

    def refuse(self, request: HttpRequest, *, next_path: str) -> HttpResponse:
        """The answer to a request the console may not serve (module docstring)."""
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_path, reverse("accounts:login"))
        if not user.is_verified():
            return redirect_to_login(next_path, reverse("accounts:otp"))
        raise PermissionDenied("The staff console is for bank staff.")

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Any:
        """Django's ``AdminSite.admin_view`` with :meth:`refuse` in place of its redirect to
        the console's own login."""

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not self.has_permission(request):
                logout_path = reverse("admin:logout", current_app=self.name)
                next_path = (
                    reverse("admin:index", current_app=self.name)
                    if request.path == logout_path
                    else request.get_full_path()
                )
                return self.refuse(request, next_path=next_path)
            return view(request, *args, **kwargs)

        if not cacheable:
            inner = never_cache(inner)
        if not getattr(view, "csrf_exempt", False):
            inner = csrf_protect(inner)
        return update_wrapper(inner, view)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """``/admin/login/`` is the customer login's door: verified staff go on to ``next``
        (or the index), everyone else is refused as by :meth:`admin_view`."""
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME) or request.POST.get(REDIRECT_FIELD_NAME)
        if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = index
        if self.has_permission(request):
            return HttpResponseRedirect(target)
        return self.refuse(request, next_path=target)
