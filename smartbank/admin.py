"""The staff console's shared parts: read-only inlines, audit event data as readable rows,
the work-queue counts of the admin index, and notifications sent to customers (read-only)."""

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .models import Notification, NotificationEvent

#: Decimal places of a float shown to staff (a face distance ``0.07527394454137927`` reads
#: ``0.075``): the bands it is compared with have three.
FLOAT_PLACES = 3
#: Words of event keys written in capitals in their labels (``dti_ratio`` -> "DTI ratio").
ACRONYMS = frozenset(
    {"api", "dti", "emi", "fatf", "fd", "id", "inr", "kyc", "mrz", "ocr", "otp", "pep", "pdf",
     "sha256", "sms", "url", "utc"}
)  # fmt: skip
#: Labels that read better than the key turned into words.
LABELS = {"from": "From status", "to": "To status", "pass": "Reading"}
#: Keys shown first in an event's rows, in this order (the status move, then why).
FIRST_KEYS = ("from", "to", "reason", "note")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def humanise_key(key: str) -> str:
    """An event data key as a label: ``"face_distance"`` -> ``"Face distance"``,
    ``"kyc_case_id"`` -> ``"KYC case ID"``, ``"from"`` -> ``"From status"``."""
    if key in LABELS:
        return LABELS[key]
    words = [w.upper() if w.lower() in ACRONYMS else w for w in str(key).split("_") if w]
    label = " ".join(words) or str(key)
    return label[:1].upper() + label[1:]


def local_datetime(value: datetime.datetime) -> str:
    """An aware datetime in the site's zone (``settings.TIME_ZONE``), ``"2 Dec 2026, 05:01
    IST"``: the one format and zone of times in the staff console."""
    return date_format(timezone.localtime(value), "j M Y, H:i T")


def round_for_people(value: float) -> str:
    """A float with at most :data:`FLOAT_PLACES` decimals (``0.07527394454137927`` ->
    ``"0.075"``, ``2.0`` -> ``"2"``)."""
    return floatformat(value, -FLOAT_PLACES)


def readable_value(value: Any) -> SafeString | str:
    """One event data value for people: ``None`` -> "—", booleans -> Yes/No, floats rounded
    (:func:`round_for_people`), ISO datetimes in the site's zone, lists of scalars joined,
    lists of objects as a small table, objects as nested rows (:func:`readable_data`)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return round_for_people(value)
    if isinstance(value, str):
        if _ISO_DATETIME.match(value):
            parsed = parse_datetime(value)
            if parsed is not None and timezone.is_aware(parsed):
                return local_datetime(parsed)
        return value
    if isinstance(value, Mapping):
        return readable_data(value)
    if isinstance(value, list | tuple):
        if all(isinstance(item, Mapping) for item in value):
            return _rows_table(value)
        return ", ".join(str(readable_value(item)) for item in value)
    return str(value)


def _rows_table(items: list | tuple) -> SafeString:
    """A list of objects (the checks of a KYC decision) as one table, a column per key."""
    keys = list(dict.fromkeys(k for item in items for k in item))
    head = format_html_join("", "<th>{}</th>", ((humanise_key(k),) for k in keys))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (format_html_join("", "<td>{}</td>", ((readable_value(i.get(k)),) for k in keys)),)
            for i in items
        ),
    )
    return format_html('<table class="event-data"><tr>{}</tr>{}</table>', head, body)


def readable_data(data: Mapping[str, Any] | None) -> SafeString | str:
    """Audit event ``data`` as rows a person reads: a table of humanised key -> value
    (:func:`readable_value`), :data:`FIRST_KEYS` first; "—" when there is none."""
    if not data:
        return "—"
    if not isinstance(data, Mapping):
        return readable_value(data)
    # PostgreSQL's jsonb keeps keys in its own order: the status move reads first.
    keys = sorted(
        data, key=lambda k: (k not in FIRST_KEYS, FIRST_KEYS.index(k) if k in FIRST_KEYS else 0)
    )
    rows = format_html_join(
        "",
        "<tr><th>{}</th><td>{}</td></tr>",
        ((humanise_key(k), readable_value(data[k])) for k in keys),
    )
    return format_html('<table class="event-data">{}</table>', rows)


def link_case_ids(text: str, *, url_name: str) -> SafeString:
    """``text`` (a check's staff detail) with every UUID in it a link to the admin change page
    ``url_name`` of that id ("another customer's face ... in case <id>" -> the matched case)."""
    parts, last = [], 0
    for match in _UUID.finditer(text):
        parts.append(format_html("{}", text[last : match.start()]))
        url = reverse(url_name, args=[match.group(0)])
        parts.append(format_html('<a href="{}">{}</a>', url, match.group(0)))
        last = match.end()
    parts.append(format_html("{}", text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class ReadOnlyInline(admin.TabularInline):
    """An inline that staff can read but never add to, change or delete from (audit trails,
    checks, ledger entries)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    """An audit trail inline: when, what, who, and the event data as readable rows
    (:func:`readable_data`), collapsed until opened (a long trail would push the case down).
    Subclasses set ``model`` (and ``ordering`` for newest first)."""

    fields = ("created_at", "type", "actor", "data_rows")
    readonly_fields = fields
    ordering = ("created_at", "id")
    classes = ("collapse",)

    @admin.display(description="Data")
    def data_rows(self, obj: Any) -> SafeString | str:
        return readable_data(obj.data)


# --- the work queues on the admin index --------------------------------------------------


@dataclass(frozen=True)
class StaffQueue:
    """One work queue on the admin index: ``count()`` is one cheap ``COUNT`` query (a
    selector of the app), ``changelist`` the admin URL name, ``query`` the changelist filter
    (``"status__exact=MANUAL_REVIEW"``) that lists exactly what was counted, ``permission``
    the ``app.codename`` a staff member needs to see it."""

    key: str
    label: str
    count: Callable[[], int]
    changelist: str
    query: str
    permission: str

    def url(self) -> str:
        return f"{reverse(self.changelist)}?{self.query}"


STAFF_QUEUES: dict[str, StaffQueue] = {}


def staff_queue_register(queue: StaffQueue) -> None:
    """Show ``queue`` on the admin index (each app's ``admin.py`` registers its own, so
    ``smartbank`` imports no app); registering a key again replaces it."""
    STAFF_QUEUES[queue.key] = queue


def staff_queues_for(user: Any) -> list[tuple[StaffQueue, int]]:
    """The queues ``user`` may see with their counts, in registration order: one query each."""
    return [(q, q.count()) for q in STAFF_QUEUES.values() if user.has_perm(q.permission)]


class NotificationEventInline(EventInline):
    """The notification's status moves."""

    model = NotificationEvent
    fields = ("created_at", "type", "data_rows")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Delivery log for support: who was told what, when, and why a message failed.

    Read-only: no add, change or delete. The body (which may hold an OTP) and the full
    recipient are never shown; only the masked recipient.
    """

    list_display = (
        "created_at",
        "channel",
        "template",
        "recipient_masked",
        "status",
        "attempts",
        "error",
    )
    list_filter = ("channel", "status", "template")
    search_fields = ("=id", "template", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    fields = (
        "id",
        "created_at",
        "user",
        "channel",
        "template",
        "recipient_masked",
        "subject",
        "status",
        "attempts",
        "error",
        "provider_message_id",
        "sent_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = [NotificationEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
