"""Notifications to customers: render a template, queue a row, deliver it from a Celery task.

Every app sends email and SMS through :func:`notification_send` (issue #3: OTPs, KYC decisions,
accounts; loans and waivers too). A message is rendered from
``templates/notifications/<template>.txt`` at once, stored as a QUEUED
:class:`~smartbank.models.Notification` with the recipient and body encrypted, and delivered by
``smartbank.tasks.notification_deliver_task`` after the caller's transaction commits. Bodies
may carry OTPs, so neither bodies nor full recipients are ever logged, and both ciphertexts are
wiped once the notification is SENT or finally FAILED.
"""

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.template import Context, engines
from django.utils import timezone

from .celery import enqueue_on_commit
from .crypto import decrypt_text, encrypt_text
from .models import Notification, NotificationEvent
from .sms import get_sms_gateway
from .transitions import Move, lock, transition, transition_bulk

logger = logging.getLogger(__name__)

SMS_MAX_CHARS = 160


@dataclass(frozen=True)
class NotificationTemplate:
    """A message template: the channel it is written for and the context keys it needs."""

    channel: str
    context: frozenset[str]


_EMAIL = Notification.Channel.EMAIL
_SMS = Notification.Channel.SMS

#: Every template under ``templates/notifications/``; add a line here with each new file.
#: Optional keys are not listed: ``minutes`` (OTP validity, default 10) and
#: ``can_resubmit`` (``kyc_decision`` when REJECTED; False says no online attempt is left).
TEMPLATES: dict[str, NotificationTemplate] = {
    "otp_email_verification": NotificationTemplate(_EMAIL, frozenset({"code"})),
    "otp_phone_verification": NotificationTemplate(_SMS, frozenset({"code"})),
    "otp_login_email": NotificationTemplate(_EMAIL, frozenset({"code"})),
    "otp_login_sms": NotificationTemplate(_SMS, frozenset({"code"})),
    # Step-ups (issue 14): a code that confirms a critical action instead of the face check.
    "otp_step_up_email": NotificationTemplate(_EMAIL, frozenset({"code"})),
    "otp_step_up_sms": NotificationTemplate(_SMS, frozenset({"code"})),
    # Password reset (issue 12): the one-use link of Django's PasswordResetConfirmView.
    "password_reset": NotificationTemplate(_EMAIL, frozenset({"reset_url", "minutes"})),
    "kyc_decision": NotificationTemplate(_EMAIL, frozenset({"full_name", "status", "reasons"})),
    "account_opened": NotificationTemplate(
        _EMAIL,
        frozenset({"full_name", "account_type", "account_number_masked", "opening_balance"}),
    ),
    "account_rejected": NotificationTemplate(
        _EMAIL, frozenset({"full_name", "account_type", "reason"})
    ),
    # Loans (issue #4): status APPROVED / REJECTED / REVIEW; emi and disbursed_to may be "".
    "loan_decision": NotificationTemplate(
        _EMAIL,
        frozenset(
            {
                "full_name",
                "application_id",
                "status",
                "loan_amount",
                "remarks",
                "emi",
                "tenure_months",
                "disbursed_to",
            }
        ),
    ),
    "loan_decision_sms": NotificationTemplate(
        _SMS, frozenset({"application_id", "status", "loan_amount", "emi"})
    ),
    # Waivers (issue #5): status APPROVED / REJECTED / REVIEW; outstanding is "" unless APPROVED.
    "waiver_decision": NotificationTemplate(
        _EMAIL,
        frozenset(
            {
                "full_name",
                "status",
                "loan_application_id",
                "waiver_type",
                "amount",
                "outstanding",
                "reasons",
            }
        ),
    ),
}


class NotificationDeliveryError(Exception):
    """One delivery attempt failed. The text is safe to log and store: the exception type and a
    short message, with the recipient masked and no digits taken from the body."""


# --- presentation helpers -----------------------------------------------------------------


def mask_email(email: str) -> str:
    """``neil@example.com`` -> ``n***@example.com``; ``***`` when it is not an address."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_phone(phone: str) -> str:
    """``+919876543210`` -> ``+91******3210``: country code and last four digits kept.

    A number that does not parse as E.164 keeps only its last four digits (``******3210``).
    """
    try:
        parsed = phonenumbers.parse(str(phone), None)
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", str(phone))
        return "*" * max(len(digits) - 4, 2) + digits[-4:]
    national = str(parsed.national_number)
    return f"+{parsed.country_code}{'*' * max(len(national) - 4, 2)}{national[-4:]}"


def mask_account_number(number: str) -> str:
    """``123456789011234`` -> ``XXXXXXXXXXX1234``: every digit but the last four hidden."""
    number = str(number).strip()
    return "X" * max(len(number) - 4, 0) + number[-4:]


# --- rendering ----------------------------------------------------------------------------


def notification_render(*, template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render ``templates/notifications/<template>.txt``; returns ``(subject, body)``.

    A first line ``Subject: ...`` gives the subject (required for email templates, which keep
    it free of codes and personal data because it is stored in clear); the rest is the body,
    HTML-unescaped plain text. SMS bodies are folded onto one line. Raises ``ValueError`` for
    an unknown template or a missing context key.
    """
    spec = TEMPLATES.get(template)
    if spec is None:
        raise ValueError(f"Unknown notification template {template!r}.")
    missing = spec.context - context.keys()
    if missing:
        raise ValueError(f"Template {template!r} needs context keys {sorted(missing)}.")
    source = engines["django"].engine.get_template(f"notifications/{template}.txt")
    text = source.render(Context(context, autoescape=False))

    subject = ""
    first, newline, rest = text.lstrip().partition("\n")
    if first.startswith("Subject:"):
        subject, text = first.removeprefix("Subject:").strip(), rest
    elif spec.channel == Notification.Channel.EMAIL:
        raise ValueError(f"Email template {template!r} must start with a 'Subject:' line.")

    if spec.channel == Notification.Channel.SMS:
        body = " ".join(text.split())
        if len(body) > SMS_MAX_CHARS:
            logger.warning("sms template %s renders %d characters", template, len(body))
    else:
        lines = [line.rstrip() for line in text.strip().splitlines()]
        body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
    return subject, body


def _recipient_normalise(*, channel: str, recipient: str) -> tuple[str, str]:
    """Returns ``(recipient, masked)``: a checked email address or an E.164 phone number."""
    recipient = str(recipient).strip()
    if channel == Notification.Channel.EMAIL:
        try:
            validate_email(recipient)
        except ValidationError:
            raise ValueError("The email recipient is not a valid address.") from None
        return recipient, mask_email(recipient)
    try:
        parsed = phonenumbers.parse(recipient, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValueError("The SMS recipient is not a valid E.164 phone number (+91...).")
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return e164, mask_phone(e164)


# --- services -----------------------------------------------------------------------------


def notification_send(
    *,
    channel: str,
    template: str,
    recipient: str,
    context: dict[str, Any],
    user: Any = None,
    enqueue: bool = True,
) -> Notification:
    """Render ``template`` and queue it for ``recipient``; delivery starts after commit.

    ``channel`` is ``"EMAIL"`` (``recipient`` an address) or ``"SMS"`` (``recipient`` an E.164
    number such as ``+919876543210``) and must be the template's channel (see
    :data:`TEMPLATES`). ``context`` holds the template's keys; it is used for rendering only,
    never stored or logged. ``user`` is the customer the message concerns, if any.
    ``enqueue=False`` leaves the delivery to the caller's :func:`notifications_enqueue`,
    which sends several messages of one event (a decision's email and SMS) in one task.

    Returns the QUEUED :class:`Notification`. Raises ``ValueError`` for an unknown template or
    channel, a channel the template is not written for, a missing context key or an invalid
    recipient (programming errors: callers pass checked customer data).
    """
    notification = notification_build(
        channel=channel, template=template, recipient=recipient, context=context, user=user
    )
    notification.save(force_insert=True)
    if enqueue:
        notifications_enqueue([notification])
    logger.info("notification %s queued: %s %s", notification.pk, channel, template)
    return notification


def notification_build(
    *, channel: str, template: str, recipient: str, context: dict[str, Any], user: Any = None
) -> Notification:
    """The unsaved QUEUED :class:`Notification` :func:`notification_send` would store: rendered,
    recipient checked, recipient and body encrypted. For callers that store many in one
    statement (``Notification.objects.bulk_create``, a batch of loan decisions) and then call
    :func:`notifications_enqueue`. Raises ``ValueError`` as :func:`notification_send` does."""
    if channel not in Notification.Channel.values:
        raise ValueError(f"Unknown notification channel {channel!r}.")
    spec = TEMPLATES.get(template)
    if spec is not None and spec.channel != channel:
        raise ValueError(f"Template {template!r} is written for {spec.channel}, not {channel}.")
    subject, body = notification_render(template=template, context=context)
    recipient, masked = _recipient_normalise(channel=channel, recipient=recipient)
    return Notification(
        user=user,
        channel=channel,
        template=template,
        recipient_masked=masked,
        recipient_encrypted=encrypt_text(recipient),
        subject=subject[:200],
        body_encrypted=encrypt_text(body),
    )


def notifications_enqueue(notifications: list[Notification]) -> None:
    """Deliver the QUEUED ``notifications`` after commit in one task (one outbox row, one
    Celery message) instead of one each: a loan decision's email and SMS (issue 13). Each is
    still delivered, retried and failed on its own (``smartbank.tasks.notification_deliver_task``).
    Nothing is enqueued for an empty list."""
    if notifications:
        enqueue_on_commit(
            "smartbank.tasks.notification_deliver_task", *(str(n.pk) for n in notifications)
        )


def _error_text(exc: Exception, *, recipient: str, masked: str, body: str) -> str:
    """``"<ExceptionType>: <message>"`` (at most 300 characters), with the recipient masked and
    every run of four or more digits that also occurs in the body (an OTP) replaced."""
    message = str(exc)
    if recipient:
        message = message.replace(recipient, masked)
    for digits in sorted(set(re.findall(r"\d{4,}", body)), key=len, reverse=True):
        message = message.replace(digits, "[redacted]")
    return f"{type(exc).__name__}: {message}"[:300]


def _deliver(
    *, notification: Notification, recipient: str, body: str, email_connection: Any = None
) -> str:
    """Hand one message to the email backend (``email_connection``: an open backend shared by
    a batch, else the default one) or the SMS gateway; returns the provider's id."""
    if notification.channel == Notification.Channel.EMAIL:
        message = EmailMessage(
            subject=notification.subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
            headers={"Auto-Submitted": "auto-generated"},
            connection=email_connection,
        )
        if message.send(fail_silently=False) != 1:
            raise NotificationDeliveryError("the email backend sent nothing")
        return ""
    return get_sms_gateway().send(to=recipient, text=body.strip())


def _commit_without_waiting_for_the_flush() -> None:
    """This transaction's commit does not wait for PostgreSQL's WAL flush (``SET LOCAL
    synchronous_commit TO OFF``; a no-op elsewhere): a delivery's commit cost 2.6 ms of
    waiting here, two per loan decision (issue 13). What a database crash can lose is the last
    fraction of a second of SENT marks: those messages go out again, as they would after a
    crash between the send and any commit (delivery is at least once)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


#: What a delivery attempt writes on a sent notification besides its status.
_SENT_FIELDS = (
    "attempts",
    "sent_at",
    "provider_message_id",
    "error",
    "recipient_encrypted",
    "body_encrypted",
)


def _attempt(
    notification: Notification, *, email_connection: Any = None
) -> NotificationDeliveryError | None:
    """One attempt on a locked QUEUED ``notification``, nothing saved: ``attempts`` + 1, then
    on success ``sent_at``, the provider's id and the ciphertexts wiped (returns ``None``), on
    failure ``error`` (returns the error to raise, its text safe to log)."""
    notification.attempts += 1
    recipient = body = ""
    try:
        recipient = decrypt_text(notification.recipient_encrypted)
        body = decrypt_text(notification.body_encrypted)
        provider_message_id = _deliver(
            notification=notification,
            recipient=recipient,
            body=body,
            email_connection=email_connection,
        )
    except Exception as exc:
        masked = notification.recipient_masked
        error = _error_text(exc, recipient=recipient, masked=masked, body=body)
        notification.error = error
        return NotificationDeliveryError(error)
    notification.sent_at = timezone.now()
    notification.provider_message_id = str(provider_message_id)[:100]
    notification.error = ""
    notification.recipient_encrypted = notification.body_encrypted = ""
    return None


def _attempt_logged(notification: Notification, failure: NotificationDeliveryError | None) -> None:
    if failure is not None:
        logger.warning(
            "notification %s attempt %d failed: %s", notification.pk, notification.attempts, failure
        )
        return
    logger.info(
        "notification %s sent (%s %s)", notification.pk, notification.channel, notification.template
    )


def notification_deliver(*, notification_id: UUID | str) -> Notification:
    """Make one delivery attempt of a QUEUED notification.

    On success: SENT, ``sent_at`` set, ``attempts`` + 1, recipient and body ciphertexts wiped.
    On failure: ``attempts`` + 1 and ``error`` recorded, then :class:`NotificationDeliveryError`
    raised (its text safe to log: see :func:`_error_text`) so the task can retry. A SENT or
    FAILED notification is returned unchanged (idempotent). Raises
    ``Notification.DoesNotExist`` for an unknown id.

    The row stays locked during the attempt, so a redelivered task waits and then finds it
    SENT: an OTP is not sent twice. Gateways and ``EMAIL_TIMEOUT`` bound the wait.
    """
    with transaction.atomic():
        notification = lock(Notification, notification_id)
        if notification.status != Notification.Status.QUEUED:
            return notification
        _commit_without_waiting_for_the_flush()
        failure = _attempt(notification)
        if failure is not None:
            notification.save(update_fields=["attempts", "error", "updated_at"])
        else:
            transition(
                notification,
                to=Notification.Status.SENT,
                event=NotificationEvent.Type.SENT,
                data={"attempts": notification.attempts},
                update_fields=_SENT_FIELDS,
            )
    _attempt_logged(notification, failure)
    if failure is not None:
        # Not chained: the original exception's text may hold the address or the body.
        raise failure
    return notification


@contextmanager
def _email_session() -> Iterator[Any]:
    """An open connection of the email backend for several messages (one SMTP session), or
    ``None`` when it cannot be opened: each message then opens its own and records its own
    error, as one sent alone does. A failure to close is logged, never raised: the messages
    went out."""
    backend = get_connection(fail_silently=False)
    try:
        backend.open()
    except Exception as exc:  # noqa: BLE001 - each send meets and records it
        logger.warning("email backend did not open a shared connection (%s)", type(exc).__name__)
        yield None
        return
    try:
        yield backend
    finally:
        try:
            backend.close()
        except Exception as exc:  # noqa: BLE001 - after the sends; nothing to undo
            logger.warning("email backend connection did not close (%s)", type(exc).__name__)


@dataclass(frozen=True)
class DeliveryOutcome:
    """One notification of :func:`notifications_deliver`: the row as it ends (``None`` when
    no such row exists) and the error of its failed attempt (``None`` when it was sent, or
    was not QUEUED and so left alone)."""

    notification_id: str
    notification: Notification | None
    error: NotificationDeliveryError | None


def notifications_deliver(*, notification_ids: Sequence[UUID | str]) -> list[DeliveryOutcome]:
    """One delivery attempt of each QUEUED notification of ``notification_ids``, in one
    transaction; returns a :class:`DeliveryOutcome` per id, in order (ids once each).

    Each attempt is :func:`notification_deliver`'s (the same fields, the same SENT event, a
    failure recorded on its row and returned, not raised; a SENT or FAILED row left alone),
    in fewer statements: one ``SELECT ... FOR UPDATE`` of all the rows (by id, so two
    deliverers never wait on each other in a circle), the emails over one connection of the
    email backend (one SMTP session instead of one per message), then one
    :func:`~smartbank.transitions.transition_bulk` of the sent ones. A loan decision batch's
    messages cost ~3 ms each one by one (issue 13). The rows stay locked until the last send,
    so a redelivered task waits and then finds them SENT. Delivery stays at least once: an
    error after the sends rolls the marks back, and those messages go out again on retry.
    """
    ids = list(dict.fromkeys(str(one) for one in notification_ids))
    failures: dict[str, NotificationDeliveryError] = {}
    with transaction.atomic():
        rows = {
            str(row.pk): row
            for row in Notification.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        queued = [
            rows[one]
            for one in ids
            if one in rows and rows[one].status == Notification.Status.QUEUED
        ]
        if queued:
            _commit_without_waiting_for_the_flush()
            emails = any(n.channel == Notification.Channel.EMAIL for n in queued)
            with _email_session() if emails else nullcontext() as email_connection:
                for notification in queued:
                    failure = _attempt(notification, email_connection=email_connection)
                    if failure is not None:
                        failures[str(notification.pk)] = failure
                        notification.save(update_fields=["attempts", "error", "updated_at"])
            transition_bulk(
                [
                    Move(
                        obj=notification,
                        to=Notification.Status.SENT,
                        event=NotificationEvent.Type.SENT,
                        data={"attempts": notification.attempts},
                    )
                    for notification in queued
                    if str(notification.pk) not in failures
                ],
                update_fields=_SENT_FIELDS,
            )
    for notification in queued:
        _attempt_logged(notification, failures.get(str(notification.pk)))
    return [DeliveryOutcome(one, rows.get(one), failures.get(one)) for one in ids]


@transaction.atomic
def notification_fail(*, notification_id: UUID | str, error: str) -> Notification:
    """Give up on a QUEUED notification: FAILED with ``error`` (at most 300 characters, no
    personal data) and the ciphertexts wiped.

    Idempotent for a FAILED notification; raises :class:`~smartbank.errors.InvalidTransition`
    for a SENT one.
    """
    notification = lock(Notification, notification_id)
    if notification.status == Notification.Status.FAILED:
        return notification
    notification.error = error[:300]
    notification.recipient_encrypted = notification.body_encrypted = ""
    transition(
        notification,
        to=Notification.Status.FAILED,
        event=NotificationEvent.Type.FAILED,
        data={"attempts": notification.attempts, "error": notification.error},
        update_fields=["error", "recipient_encrypted", "body_encrypted"],
    )
    logger.warning(
        "notification %s failed after %d attempts", notification.pk, notification.attempts
    )
    return notification
