"""Template tags of the staff console: ``{% staff_queues %}`` (the work-queue counts on the
admin index) and ``{{ event.data|readable_data }}`` (audit data as rows).

Load with ``{% load staff_console %}``; the queues are those the apps register with
:func:`smartbank.admin.staff_queue_register`.
"""

from typing import Any

from django import template

from smartbank.admin import readable_data as _readable_data
from smartbank.admin import staff_queues_for

register = template.Library()


@register.inclusion_tag("admin/_staff_queues.html", takes_context=True)
def staff_queues(context: dict[str, Any]) -> dict[str, Any]:
    """The queues the signed-in staff member may see, each ``(queue, count)``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"queues": staff_queues_for(user) if user is not None else []}


@register.filter(name="readable_data")
def readable_data(data: Any) -> str:
    """Audit event data as a table of humanised key -> value
    (:func:`smartbank.admin.readable_data`)."""
    return _readable_data(data)
