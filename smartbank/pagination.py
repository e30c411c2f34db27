"""Pagination of every API list (DRF's limit/offset, HS's ``get_paginated_response``).

A list takes ``?limit=`` (1-1000, default 100) and ``?offset=`` (default 0) and answers
``{"count": <total>, "next": <url> | null, "previous": <url> | null, "<items>": [...]}``,
``<items>`` naming what is listed (``accounts``, ``applications``, ``waivers``). A limit or
offset out of range is a 400 with field errors, like any other invalid query.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework import pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class LimitOffsetQuerySerializer(serializers.Serializer):
    """``?limit=&offset=`` of a list; subclass it to add a list's own filters."""

    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, help_text="Items per page"
    )
    offset = serializers.IntegerField(min_value=0, default=0, help_text="Items to skip")


class PageSerializer(serializers.Serializer):
    """One page of a list: ``count`` items in all, links to the pages either side."""

    # A subclass adds the page's items as a ``many=True`` field named after them.

    count = serializers.IntegerField(help_text="Items in the whole list, not just this page")
    next = serializers.URLField(allow_null=True, help_text="The next page, null on the last")
    previous = serializers.URLField(allow_null=True, help_text="The previous page")


class ListPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset pagination answering the list under ``results_key``."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def __init__(self, *, results_key: str) -> None:
        self.results_key = results_key

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                self.results_key: data,
            }
        )


def paginated_response(
    *,
    request: Request,
    queryset: QuerySet | Sequence[Any],
    results_key: str,
    serialize: Callable[[list[Any]], Any],
) -> Response:
    """One page of ``queryset`` as ``{"count", "next", "previous", results_key: [...]}``.

    ``serialize`` turns the page's objects into their JSON list. Raises DRF's
    ``ValidationError`` (400) for a malformed or out-of-range ``limit`` / ``offset``.
    """
    LimitOffsetQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
    paginator = ListPagination(results_key=results_key)
    page = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response(serialize(page or []))
