"""Rate limits for the public API: DRF throttles on the shared cache (``CACHES``, issue #10).

A view names its limit with ``throttle_scope`` and lists both throttles; the rates are
``settings.API_RATE_LIMITS["<scope>_address"]`` and ``["<scope>_account"]`` (read on each
request, so tests may change them). :class:`AddressRateThrottle` counts the client address
(``REMOTE_ADDR``, or the entry ``NUM_PROXIES`` trusted proxies put in ``X-Forwarded-For``);
:class:`AccountRateThrottle` counts the account the request is about, as the view's
``throttle_account(request)`` names it (an email, a user or registration id; ``None`` when the
request names none it can prove), so one account tried from many addresses is limited too.
Past the limit the answer is 429 ``{"detail", "code": "throttled"}`` with ``Retry-After``.

When the cache cannot be reached (Redis restarting) the limits are not counted and the request
goes on, with a warning in the log: a broker-and-cache outage must not turn registrations into
500s (issue #10). Logins stay locked by django-axes, which counts in the database.
"""

import hashlib
import logging
from typing import Any

import redis.exceptions
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

#: What an unreachable cache raises: redis-py's errors, or a socket error beneath them.
CACHE_ERRORS = (redis.exceptions.RedisError, OSError)


class _ScopedSettingsThrottle(SimpleRateThrottle):
    """A throttle whose rate is ``settings.API_RATE_LIMITS["<view's throttle_scope>_<kind>"]``;
    subclasses say what a request is counted under (:meth:`ident_for`)."""

    kind: str = ""

    def __init__(self) -> None:
        # The scope is the view's: the rate is looked up in allow_request.
        self.rate = None

    def get_rate(self) -> str | None:
        return settings.API_RATE_LIMITS.get(f"{self.scope}_{self.kind}")

    def ident_for(self, request: Any, view: Any) -> str | None:
        """What the request is counted under (an address, an account), None to not count it.
        Each subclass defines it; the base counts nothing."""
        return None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        ident = self.ident_for(request, view)
        if not ident:
            return None
        digest = hashlib.sha256(ident.encode()).hexdigest()  # no emails in cache keys
        return self.cache_format % {"scope": f"{self.scope}_{self.kind}", "ident": digest}

    def allow_request(self, request: Any, view: Any) -> bool:
        self.scope = getattr(view, "throttle_scope", None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            logger.warning(
                "rate limit %s_%s not counted: cache unreachable (%s)",
                self.scope,
                self.kind,
                type(exc).__name__,
            )
            return True


class AddressRateThrottle(_ScopedSettingsThrottle):
    """Requests per client address for the view's ``throttle_scope``."""

    kind = "address"

    def ident_for(self, request: Any, view: Any) -> str | None:
        return self.get_ident(request)


class AccountRateThrottle(_ScopedSettingsThrottle):
    """Requests per account (the view's ``throttle_account(request)``), whatever the address."""

    kind = "account"

    def ident_for(self, request: Any, view: Any) -> str | None:
        return view.throttle_account(request)


THROTTLES = [AddressRateThrottle, AccountRateThrottle]
