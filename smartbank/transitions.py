"""The one way a status changes, for every model (STYLE "Statuses are explicit state machines").

:func:`transition` locks the row (``SELECT ... FOR UPDATE``), checks the move against the
model's declared map (:class:`~smartbank.errors.InvalidTransition` otherwise), saves only the
named fields (``update_fields``) and appends the audit event through the app's own writer, all
in one transaction. Services call it; nothing else assigns a status.

Shapes:

- A model with statuses extends :class:`smartbank.models.StatusModel` and declares
  ``ALLOWED_TRANSITIONS = {from: {to, ...}}`` for its ``status`` field and, for further status
  fields, ``FIELD_TRANSITIONS = {"final_status": {from: {to, ...}}, ...}``. A status missing
  from a map, or mapped to ``set()``, is final.
- Each app's ``events.py`` registers the writer of its event table with :func:`event_writer`;
  the writer keeps its usual keyword signature (``kyc_case_event_record(*, case, type, actor,
  data)``). A writer not yet imported is found by importing ``<app>.events`` (the convention
  every app follows).
- The event's ``data`` is ``{"from": old, "to": new}`` of the main field, the caller's ``data``
  and, when given, ``"reason"``.
- An app keeping something derived in step with the moves (the loan dashboards' roll-ups)
  registers a hook with :func:`transition_hook`; it runs inside the move's transaction.
- :func:`transition_bulk` makes many moves of one model in one step (the loan decisions of a
  batch, issue 13): one locking ``SELECT``, one ``UPDATE``, one ``INSERT`` of events where the
  app registered a bulk writer (``event_writer(..., bulk=...)``), each hook called once with
  every move; the same checks, fields and events as :func:`transition` one by one.

The guard: :class:`~smartbank.models.StatusModel.save` calls :func:`status_write_check`, which
raises :class:`DirectStatusWrite` when a save outside :func:`transition` would change a stored
status (``obj.status = X; obj.save()``). Creating a row in any status is not a move and stays
allowed (factories, ``objects.create``). Queryset ``update(status=...)`` is outside ``save()``;
``smartbank/tests/test_transitions.py`` scans the application code for it.

Why a module of our own and not django-fsm-2: the requirements are pinned and the repository
already has the bases it needs (``AppendOnlyModel`` / ``AuditEvent`` in
:mod:`smartbank.models`); django-fsm's ``@transition`` puts the moves in model methods
(STYLE: models hold fields, services hold writes), neither locks the row nor writes an audit
event (django-fsm-log would add a second, generic event table beside ours), and one move of
a loan application changes several status fields at once (``status``, ``final_status`` and the
stage statuses), which a per-field ``FSMField`` cannot check as one step.
"""

import contextvars
import importlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from .db import rows_update
from .errors import InvalidTransition

__all__ = [
    "DirectStatusWrite",
    "Move",
    "check_move",
    "event_writer",
    "lock",
    "status_write_check",
    "transition",
    "transition_bulk",
    "transition_hook",
    "transition_maps",
]

M = TypeVar("M", bound=models.Model)
W = TypeVar("W", bound=Callable[..., Any])

DEFAULT_ERROR = "{model} {field} cannot move from {old} to {new}."

#: model -> (writer, the writer's keyword for the object: ``"case"``, ``"account"``...)
_WRITERS: dict[type[models.Model], tuple[Callable[..., Any], str]] = {}
#: model -> the writer of many events at once: ``bulk([(obj, type, actor, data), ...])``
_BULK_WRITERS: dict[type[models.Model], Callable[..., Any]] = {}
#: model -> [(hook, the fields it compares, whether it takes every move at once)], registered
#: with :func:`transition_hook`
_HOOKS: dict[type[models.Model], list[tuple[Callable[..., Any], tuple[str, ...], bool]]] = {}
#: The object :func:`transition` is saving right now; its save passes the guard.
_saving: contextvars.ContextVar[models.Model | None] = contextvars.ContextVar(
    "smartbank_transition_saving", default=None
)


class DirectStatusWrite(RuntimeError):
    """A save would change a stored status outside :func:`transition` (a programming error)."""


def event_writer(
    *models_: type[models.Model], target: str, bulk: Callable[..., Any] | None = None
) -> Callable[[W], W]:
    """Register the decorated function as the audit event writer of ``models_``.

    ``target`` is the writer's keyword for the object (``"case"`` for
    ``kyc_case_event_record(*, case, type, actor, data)``). ``bulk``, when given, writes many
    events in one statement for :func:`transition_bulk`: ``bulk([(obj, type, actor, data),
    ...])``, in that order; without it the writer is called once per move. Returns the
    function unchanged.
    """

    def register(writer: W) -> W:
        for model in models_:
            _WRITERS[model] = (writer, target)
            if bulk is not None:
                _BULK_WRITERS[model] = bulk
        return writer

    return register


def transition_hook(
    *models_: type[models.Model], fields: Sequence[str], bulk: bool = False
) -> Callable[[W], W]:
    """Register the decorated ``hook(obj, *, before, after)`` to run after every move of an
    instance of ``models_``, inside :func:`transition`'s transaction (after the save and the
    audit event), so what it writes commits or rolls back with the move.

    ``before`` / ``after`` are ``{field: value}`` of ``fields`` as stored before and after the
    move (``before`` is read by the locking ``SELECT``, no extra query). With ``bulk`` the
    hook takes every move of one step at once, ``hook([(obj, before, after), ...])`` (one
    element for :func:`transition`, all of them for :func:`transition_bulk`). Register from
    the app's ``AppConfig.ready``. Returns the function unchanged.
    """

    def register(hook: W) -> W:
        for model in models_:
            _HOOKS.setdefault(model, []).append((hook, tuple(fields), bulk))
        return hook

    return register


def _hooks_for(
    model: type[models.Model],
) -> list[tuple[Callable[..., Any], tuple[str, ...], bool]]:
    return [hook for klass in model.__mro__ for hook in _HOOKS.get(klass, ())]


def _hooks_run(
    hooks: list[tuple[Callable[..., Any], tuple[str, ...], bool]],
    moved: list[tuple[models.Model, Mapping[str, Any], set[str]]],
) -> None:
    """Call each hook with ``(obj, before, after)`` of its fields for every ``(obj, stored,
    saved fields)`` in ``moved``: a bulk hook once, the others once per move."""
    for hook, names, bulk in hooks:
        calls = [
            (
                obj,
                {name: stored[name] for name in names},
                {name: getattr(obj, name) if name in saved else stored[name] for name in names},
            )
            for obj, stored, saved in moved
        ]
        if bulk:
            hook(calls)
        else:
            for obj, before, after in calls:
                hook(obj, before=before, after=after)


def _writer_for(model: type[models.Model]) -> tuple[Callable[..., Any], str]:
    for klass in model.__mro__:
        if klass in _WRITERS:
            return _WRITERS[klass]
    importlib.import_module(f"{model._meta.app_config.name}.events")
    for klass in model.__mro__:
        if klass in _WRITERS:
            return _WRITERS[klass]
    raise ImproperlyConfigured(
        f"No audit event writer for {model.__name__}: register one in "
        f"{model._meta.app_config.name}/events.py with @event_writer({model.__name__}, ...)."
    )


def transition_maps(model: type[models.Model]) -> dict[str, Mapping[str, Collection[str]]]:
    """``{field: {from: {to, ...}}}`` of every status field of ``model``: ``status`` from
    ``ALLOWED_TRANSITIONS``, the others from ``FIELD_TRANSITIONS``; ``{}`` for a model
    without statuses."""
    maps: dict[str, Mapping[str, Collection[str]]] = {}
    if hasattr(model, "ALLOWED_TRANSITIONS"):
        maps["status"] = model.ALLOWED_TRANSITIONS
    maps.update(getattr(model, "FIELD_TRANSITIONS", {}))
    return maps


def _label(model: type[models.Model], field: str, value: str) -> str:
    choices = dict(model._meta.get_field(field).flatchoices)
    return str(choices.get(value, value)).lower()


def check_move(model: type[models.Model], *, field: str, old: str, new: str) -> None:
    """Raise :class:`InvalidTransition` (code ``INVALID_TRANSITION``) unless ``old -> new`` is
    declared for ``model.field``.

    The message is the model's ``TRANSITION_ERROR`` for ``status`` (placeholders ``{old}``,
    ``{new}``, ``{old_label}``, ``{new_label}``), :data:`DEFAULT_ERROR` otherwise.
    Raises ``ImproperlyConfigured`` for a field without a map.
    """
    maps = transition_maps(model)
    if field not in maps:
        raise ImproperlyConfigured(f"{model.__name__}.{field} has no transition map.")
    if new in maps[field].get(old, ()):
        return
    template = getattr(model, "TRANSITION_ERROR", DEFAULT_ERROR)
    if field != "status":
        template = DEFAULT_ERROR
    message = template.format(
        model=str(model._meta.verbose_name).capitalize(),
        field=field.replace("_", " "),
        old=old,
        new=new,
        old_label=_label(model, field, old),
        new_label=_label(model, field, new),
    )
    raise InvalidTransition(message, code="INVALID_TRANSITION")


def lock(model: type[M], pk: Any, *, select_related: Sequence[str] = ()) -> M:
    """The row of ``model`` with primary key ``pk``, locked (``SELECT ... FOR UPDATE``) until
    the surrounding transaction ends; call it inside ``transaction.atomic``, before the checks
    that decide whether to move. Raises ``model.DoesNotExist``."""
    queryset = model._default_manager.select_for_update()
    if select_related:
        queryset = queryset.select_related(*select_related)
    return queryset.get(pk=pk)


def transition(
    target: M | tuple[type[M], Any],
    *,
    to: str,
    event: str,
    field: str = "status",
    also: Mapping[str, str] | None = None,
    actor: Any = None,
    reason: str | None = None,
    data: Mapping[str, Any] | None = None,
    update_fields: Iterable[str] = (),
) -> M:
    """Move ``target``'s ``field`` to ``to`` and append one audit event, in one transaction.

    ``target`` is an instance (the caller's changes to other fields are kept and saved when
    named in ``update_fields``) or ``(Model, pk)``. The row is locked and the current values
    are read from the database, so a stale instance cannot slip past the check. ``also`` moves
    further status fields in the same step (``{"final_status": "APPROVED"}``), each checked
    against its own map and recorded in the same event; a companion already at its target makes
    no move and is not checked (only ``field`` has meaningful self-moves, such as a maker's
    approval leaving REVIEW in REVIEW). ``event`` is the event's ``type``;
    ``actor`` the user who acted (``None``: the system); ``reason`` why, stored as
    ``data["reason"]`` when not ``None``; ``data`` further JSON for the event.

    Saves the moved fields, ``update_fields`` and ``updated_at`` only. Returns the instance.
    Raises :class:`InvalidTransition` (nothing changes), ``Model.DoesNotExist``, and whatever
    the save raises (an ``IntegrityError`` rolls back this step only: it runs in a savepoint).
    """
    moves = {field: to, **(also or {})}
    with transaction.atomic():
        model = target[0] if isinstance(target, tuple) else type(target)
        hooks = _hooks_for(model)
        read = list(dict.fromkeys([*moves, *(name for _, names, _ in hooks for name in names)]))
        if isinstance(target, tuple):
            obj = lock(model, target[1])
            stored = {name: getattr(obj, name) for name in read}
        else:
            obj = target
            stored = model._base_manager.select_for_update().filter(pk=obj.pk).values(*read).get()
        for name, new in moves.items():
            if name == field or stored[name] != new:  # a companion left as it is makes no move
                check_move(model, field=name, old=stored[name], new=new)
        for name, new in moves.items():
            setattr(obj, name, new)
        fields = [*moves, *update_fields]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            fields.append("updated_at")
        token = _saving.set(obj)
        try:
            obj.save(update_fields=list(dict.fromkeys(fields)))
        finally:
            _saving.reset(token)
        event_data = {"from": stored[field], "to": to, **(data or {})}
        if reason is not None:
            event_data["reason"] = reason
        writer, keyword = _writer_for(model)
        writer(**{keyword: obj}, type=event, actor=actor, data=event_data)
        _hooks_run(hooks, [(obj, stored, set(fields))])
    return obj


@dataclass(frozen=True)
class Move:
    """One move of :func:`transition_bulk`: the arguments of :func:`transition` for one
    instance (``obj`` must be an instance, not ``(Model, pk)``)."""

    obj: models.Model
    to: str
    event: str
    also: Mapping[str, str] | None = None
    actor: Any = None
    reason: str | None = None
    data: Mapping[str, Any] | None = None


def transition_bulk(
    moves: Sequence[Move], *, field: str = "status", update_fields: Iterable[str] = ()
) -> list[models.Model]:
    """Make every move of ``moves`` (instances of one model) in one step: all of them or,
    when one is refused, none.

    The same as :func:`transition` called for each in turn (the same checks against the stored
    values, the same fields saved, the same events in the same order, the same hooks), in fewer
    statements: one ``SELECT ... FOR UPDATE`` of every row, one ``UPDATE`` of them all
    (:func:`smartbank.db.rows_update` of the moved fields, ``update_fields`` and
    ``updated_at``: each instance's values of those fields are written), one ``INSERT`` of
    the events when the model's writer has a bulk form (:func:`event_writer`), and each bulk
    hook called once.

    Returns the instances in ``moves``' order. Raises :class:`InvalidTransition` (nothing
    changes), ``ValueError`` for moves of more than one model or an instance twice, and
    ``DoesNotExist`` when a row is gone.
    """
    if not moves:
        return []
    model = type(moves[0].obj)
    if any(type(m.obj) is not model for m in moves):
        raise ValueError("transition_bulk moves instances of one model at a time.")
    if len({m.obj.pk for m in moves}) != len(moves):
        raise ValueError("transition_bulk moves each instance once per step.")
    with transaction.atomic():
        hooks = _hooks_for(model)
        plans = [(m, {field: m.to, **(m.also or {})}) for m in moves]
        read = list(
            dict.fromkeys(
                [
                    "pk",
                    *(name for _, plan in plans for name in plan),
                    *(name for _, names, _ in hooks for name in names),
                ]
            )
        )
        rows = model._base_manager.select_for_update().filter(pk__in=[m.obj.pk for m in moves])
        stored_by_pk = {row["pk"]: row for row in rows.order_by("pk").values(*read)}
        missing = [m.obj.pk for m in moves if m.obj.pk not in stored_by_pk]
        if missing:
            raise model.DoesNotExist(f"{model.__name__} {missing[0]} does not exist.")
        for m, plan in plans:
            stored = stored_by_pk[m.obj.pk]
            for name, new in plan.items():
                if name == field or stored[name] != new:
                    check_move(model, field=name, old=stored[name], new=new)
        fields = list(dict.fromkeys([name for _, plan in plans for name in plan]))
        fields += [name for name in update_fields if name not in fields]
        concrete = {f.name: f for f in model._meta.concrete_fields}
        if "updated_at" in concrete:
            fields.append("updated_at")
        for m, plan in plans:
            for name, new in plan.items():
                setattr(m.obj, name, new)
            if "updated_at" in concrete:
                concrete["updated_at"].pre_save(m.obj, add=False)  # auto_now, as save() does
        rows_update([m.obj for m in moves], fields)
        events = []
        for m, _ in plans:
            event_data = {"from": stored_by_pk[m.obj.pk][field], "to": m.to, **(m.data or {})}
            if m.reason is not None:
                event_data["reason"] = m.reason
            events.append((m.obj, m.event, m.actor, event_data))
        writer, keyword = _writer_for(model)  # imports <app>.events, which registers both
        bulk_writer = next((_BULK_WRITERS[k] for k in model.__mro__ if k in _BULK_WRITERS), None)
        if bulk_writer is None:
            for obj, event, actor, event_data in events:
                writer(**{keyword: obj}, type=event, actor=actor, data=event_data)
        else:
            bulk_writer(events)
        saved = set(fields)
        _hooks_run(hooks, [(m.obj, stored_by_pk[m.obj.pk], saved) for m in moves])
    return [m.obj for m in moves]


def status_write_check(obj: models.Model, *, update_fields: Iterable[str] | None) -> None:
    """Raise :class:`DirectStatusWrite` when saving the existing row ``obj`` (with
    ``update_fields``, ``None`` for all) would change a stored status outside
    :func:`transition`. Called by ``StatusModel.save``; one query when a status field would be
    written, none otherwise."""
    if _saving.get() is obj:
        return
    written = set(update_fields) if update_fields is not None else None
    deferred = obj.get_deferred_fields()
    fields = [
        name
        for name in transition_maps(type(obj))
        if name not in deferred and (written is None or name in written)
    ]
    if not fields:
        return
    stored = type(obj)._base_manager.filter(pk=obj.pk).values(*fields).first()
    if stored is None:
        return
    changed = [name for name in fields if stored[name] != getattr(obj, name)]
    if changed:
        name = changed[0]
        raise DirectStatusWrite(
            f"{type(obj).__name__}.{name} would go from {stored[name]} to "
            f"{getattr(obj, name)} outside smartbank.transitions.transition(); statuses move "
            "only through it."
        )
