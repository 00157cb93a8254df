"""One state machine per model: the table of its transitions, the only way its services move it, and
the question the pages ask ("what may this user do with it now?").

A model declares one `Workflow` listing its transitions: from which states, to which state, who may
(a predicate `(user, obj) -> bool`, usually a `rules` permission) and what it needs (a check
`(obj) -> str` returning the reason it cannot happen yet, "" when nothing is missing)::

    ORDER_WORKFLOW = Workflow(
        Transition("submit", source=[DRAFT], target=SUBMITTED, allowed=permission("app.change_order"),
                   label=_("Submit for approval"), url_name="app:order-submit"),
        ...
    )

Services call `workflow.move(obj, target, actor=..., reason=...)` (or `workflow.assign(...)` when they
save the object themselves with other fields): the move is refused with a ValidationError when the
table does not allow it, and the saved row keeps its history and reason (django-simple-history).
Pages call `allowed_actions(obj, user)` and render `components/actions.html`; no template or view
compares status strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pmo.lib.audit import audited_save

Predicate = Callable[[Any, Any], bool]
Check = Callable[[Any], str]


def anyone(user: Any, obj: Any) -> bool:
    return True


def nothing(obj: Any) -> str:
    return ""


def permission(name: str) -> Predicate:
    """Who may: the holders of a (rules) object permission, looked up when asked."""

    def has(user: Any, obj: Any) -> bool:
        return bool(user is not None and user.has_perm(name, obj))

    has.__name__ = f"has_{name.replace('.', '_')}"
    return has


@dataclass(frozen=True, kw_only=True)
class Transition:
    """One edge of a state machine, with what a page needs to offer it as a button."""

    name: str = field(kw_only=False)
    source: Sequence[str]  # stored as a tuple of plain strings
    target: str
    allowed: Predicate = anyone
    needs: Check = nothing
    label: str | Promise = ""
    url_name: str = ""  # the POST view performing it; without one it is not offered as a button
    url_extra: tuple[str, ...] = ()  # arguments of that URL after the workflow's own (e.g. an operation)
    confirm: str | Promise = ""
    style: str = "outline-primary"
    icon: str = ""  # a Bootstrap icon name
    link: bool = False  # the view is a page to open (GET), not an action to post
    # Fields the view expects in the POST, e.g. (("status", "closed"),).
    hidden: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", tuple(str(state) for state in self.source))
        object.__setattr__(self, "target", str(self.target))


@dataclass(frozen=True)
class Action:
    """A transition offered to one user on one object; `blocked` says what is still missing."""

    transition: Transition
    obj: Any
    blocked: str = ""

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def label(self) -> str | Promise:
        return self.transition.label or self.transition.name

    @property
    def target(self) -> str:
        return self.transition.target

    @property
    def url(self) -> str:
        if not self.transition.url_name:
            return ""
        args = [*self.obj.workflow.url_args(self.obj), *self.transition.url_extra]
        return reverse(self.transition.url_name, args=args)

    @property
    def confirm(self) -> str | Promise:
        return self.transition.confirm

    @property
    def style(self) -> str:
        return self.transition.style

    @property
    def icon(self) -> str:
        return self.transition.icon

    @property
    def link(self) -> bool:
        return self.transition.link

    @property
    def hidden(self) -> tuple[tuple[str, str], ...]:
        return self.transition.hidden


DEFAULT_REFUSAL = _("A %(kind)s cannot go from %(old)s to %(new)s.")


class Workflow:
    """The transitions of one model's `field`; the only place its states may change."""

    def __init__(
        self,
        *transitions: Transition,
        field: str = "status",
        refusal: str | Promise = DEFAULT_REFUSAL,
        url_args: Callable[[Any], list[Any]] | None = None,
    ) -> None:
        names = [transition.name for transition in transitions]
        duplicates = {name for name in names if names.count(name) > 1}
        if duplicates:
            raise ValueError(f"transition names must be unique: {sorted(duplicates)}")
        self.transitions = transitions
        self.field = field
        self.refusal = refusal
        self.url_args = url_args or (lambda obj: [obj.pk])
        self.table = self._table()

    def _table(self) -> dict[str, tuple[str, ...]]:
        """The moves as {from: (to, ...)} in the order declared, for the code that reads it as a dict."""
        table: dict[str, list[str]] = {}
        for transition in self.transitions:
            for state in transition.source:
                targets = table.setdefault(state, [])
                if transition.target not in targets:
                    targets.append(transition.target)
        return {state: tuple(targets) for state, targets in table.items()}

    def targets(self, state: str) -> tuple[str, ...]:
        return self.table.get(str(state), ())

    def state(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def is_final(self, obj: Any) -> bool:
        """No transition leaves the object's state."""
        return not self.targets(self.state(obj))

    def can_move(self, obj: Any, target: str) -> bool:
        return str(target) in self.targets(self.state(obj))

    def transition(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise KeyError(name)

    def _edges(self, obj: Any, target: str) -> list[Transition]:
        state = self.state(obj)
        return [t for t in self.transitions if state in t.source and t.target == str(target)]

    def refuse(self, obj: Any, target: str) -> ValidationError:
        field = obj._meta.get_field(self.field)
        labels = dict(field.choices or ())
        state = self.state(obj)
        return ValidationError(
            self.refusal
            % {
                "kind": obj._meta.verbose_name,
                "status": labels.get(state, state),
                "target": labels.get(str(target), target),
                "old": labels.get(state, state),
                "new": labels.get(str(target), target),
                self.field: labels.get(state, state),
            }
        )

    def assign(self, obj: Any, target: str, *, user: Any = None) -> None:
        """Check the move against the table (and, given a user, who may and what it needs) and set the
        new state on `obj` without saving: for services that save it with other fields."""
        edges = self._edges(obj, target)
        if not edges:
            raise self.refuse(obj, target)
        if user is not None and not any(edge.allowed(user, obj) for edge in edges):
            raise ValidationError(_("You may not do this"))
        missing = [reason for reason in (edge.needs(obj) for edge in edges) if reason]
        if len(missing) == len(edges):
            raise ValidationError(missing)
        setattr(obj, self.field, str(target))

    def move(
        self,
        obj: Any,
        target: str,
        *,
        actor: Any,
        reason: str = "",
        fields: Iterable[str] = (),
        user: Any = None,
    ) -> None:
        """Move `obj` to `target` and save the state (and `fields`) with history and reason."""
        self.assign(obj, target, user=user)
        update_fields = [self.field, *fields]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields) and "updated_at" not in fields:
            update_fields.append("updated_at")
        audited_save(obj, actor=actor, update_fields=update_fields, reason=reason)

    def actions(self, obj: Any, user: Any) -> list[Action]:
        """The transitions `user` may take on `obj` in its current state, each with what is missing."""
        state = self.state(obj)
        offered = []
        for transition in self.transitions:
            if state in transition.source and transition.allowed(user, obj):
                offered.append(Action(transition, obj, transition.needs(obj)))
        return offered


def workflow_of(obj: Any) -> Workflow:
    workflow = getattr(type(obj), "workflow", None)
    if not isinstance(workflow, Workflow):
        raise TypeError(f"{type(obj).__name__} declares no workflow")
    return workflow


def allowed_actions(obj: Any, user: Any) -> dict[str, Action]:
    """What `user` may do with `obj` now, by transition name (ordered as the table lists them)."""
    return {action.name: action for action in workflow_of(obj).actions(obj, user)}
