"""Visibility rules written once: each yields the django-rules predicate and the queryset filter.

A rule is built from three terms and `|` / `&`:

    project_visibility = (
        has_role(*PORTFOLIO_READERS)
        | (has_role(Role.PROJECT_MANAGER) & (user_is("project_manager") | user_is("support_officer")))
        | (has_role(Role.SMO) & value_in("phase", SMO_VISIBLE_PHASES))
    )
    rules.add_perm("projects.view_project", project_visibility.predicate)   # one object, in Python
    Project.objects.filter(project_visibility.q(user))                     # a list, in SQL

- `has_role(*roles)` depends on the user only: it is decided before the query is built, so a portfolio
  reader's filter is `Q()` and a user without any matching branch gets `Q(pk__in=[])`.
- `user_is("project_manager")` compares a foreign key with the user (`project_manager_id == user.pk`).
- `value_in("phase", values)` compares a field with fixed values.
- `through("project", project_visibility)` applies another model's rule to a related object.
- `in_scope("project", projects_on_team_of)` says the foreign key points into a queryset of the user's
  (`scope(user=user)`), for memberships no field comparison expresses (a project's assigned resources);
  the predicate asks the same queryset for that one row.
Paths may cross relations with `__` (`user_is("project__project_manager")`); `q(user, prefix="order__")`
filters a model that points at the rule's model. `tests/pmo/test_visibility.py` checks, role by role,
that the queryset and the predicate of every rule agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.db.models import Q

# What a term says for one user before any row is read: always, never, or this filter.
Decided = bool | Q


class Rule:
    """A visibility rule: `predicate` for one object, `q(user)` for a queryset; combine with | and &."""

    name = "rule"

    def check(self, user: Any, obj: Any) -> bool:
        raise NotImplementedError

    def decide(self, user: Any, prefix: str) -> Decided:
        raise NotImplementedError

    def q(self, user: Any, prefix: str = "") -> Q:
        """The rows the user may see, as a filter on the rule's model (or through `prefix`)."""
        decided = self.decide(user, prefix)
        if decided is True:
            return Q()
        if decided is False:
            return Q(**{f"{prefix}pk__in": []})
        return decided

    @property
    def predicate(self) -> rules.Predicate:
        """The same rule as a django-rules predicate `(user, obj) -> bool` (False without an object)."""
        return rules.Predicate(self._test, name=self.name)

    def _test(self, user: Any, obj: Any = None) -> bool:
        return obj is not None and _is_user(user) and self.check(user, obj)

    def __or__(self, other: Rule) -> Rule:
        return AnyOf((self, other))

    def __and__(self, other: Rule) -> Rule:
        return AllOf((self, other))


def _is_user(user: Any) -> bool:
    return bool(user and user.is_authenticated)


def _follow(obj: Any, path: str) -> Any:
    """The value at `a__b__c` from obj, or None when a relation on the way is empty."""
    *relations, last = path.split("__")
    for relation in relations:
        obj = getattr(obj, relation, None)
        if obj is None:
            return None
    return getattr(obj, last)


class has_role(Rule):
    """The user has one of these roles (decided before any row is read)."""

    def __init__(self, *roles: str) -> None:
        self.roles = roles
        self.name = f"has_role({','.join(roles)})"

    def check(self, user: Any, obj: Any) -> bool:
        return user.has_role(*self.roles)

    def decide(self, user: Any, prefix: str) -> Decided:
        return _is_user(user) and user.has_role(*self.roles)


class user_is(Rule):
    """The object's foreign key `field` points at the user."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.name = f"user_is({field})"

    def check(self, user: Any, obj: Any) -> bool:
        return _follow(obj, f"{self.field}_id") == user.pk

    def decide(self, user: Any, prefix: str) -> Decided:
        return Q(**{f"{prefix}{self.field}": user})


class value_in(Rule):
    """The object's `field` is one of fixed values."""

    def __init__(self, field: str, values) -> None:
        self.field, self.values = field, tuple(values)
        self.name = f"value_in({field})"

    def check(self, user: Any, obj: Any) -> bool:
        return _follow(obj, self.field) in self.values

    def decide(self, user: Any, prefix: str) -> Decided:
        return Q(**{f"{prefix}{self.field}__in": self.values})


class through(Rule):
    """Another model's rule, applied to the object at the end of `relation` (a hand-over's project)."""

    def __init__(self, relation: str, rule: Rule) -> None:
        self.relation, self.rule = relation, rule
        self.name = f"through({relation}, {rule.name})"

    def check(self, user: Any, obj: Any) -> bool:
        related = _follow(obj, self.relation)
        return related is not None and self.rule.check(user, related)

    def decide(self, user: Any, prefix: str) -> Decided:
        return self.rule.decide(user, f"{prefix}{self.relation}__")


class in_scope(Rule):
    """The object's foreign key `field` points into `scope(user=user)`, a queryset (a subquery in lists)."""

    def __init__(self, field: str, scope: Callable[..., Any]) -> None:
        self.field, self.scope = field, scope
        self.name = f"in_scope({field}, {getattr(scope, '__name__', 'scope')})"

    def check(self, user: Any, obj: Any) -> bool:
        target = _follow(obj, f"{self.field}_id")
        return target is not None and self.scope(user=user).filter(pk=target).exists()

    def decide(self, user: Any, prefix: str) -> Decided:
        return Q(**{f"{prefix}{self.field}__in": self.scope(user=user).values("pk")})


class AnyOf(Rule):
    name = "any_of"

    def __init__(self, parts: tuple[Rule, ...]) -> None:
        self.parts = parts

    def check(self, user: Any, obj: Any) -> bool:
        return any(part.check(user, obj) for part in self.parts)

    def decide(self, user: Any, prefix: str) -> Decided:
        return _combine([part.decide(user, prefix) for part in self.parts], absorbing=True, join=Q.__or__)


class AllOf(Rule):
    name = "all_of"

    def __init__(self, parts: tuple[Rule, ...]) -> None:
        self.parts = parts

    def check(self, user: Any, obj: Any) -> bool:
        return all(part.check(user, obj) for part in self.parts)

    def decide(self, user: Any, prefix: str) -> Decided:
        return _combine([part.decide(user, prefix) for part in self.parts], absorbing=False, join=Q.__and__)


def _combine(decided: list[Decided], *, absorbing: bool, join: Callable[[Q, Q], Q]) -> Decided:
    """`absorbing` wins at once (True for OR, False for AND); the neutral value drops out."""
    if any(part is absorbing for part in decided):
        return absorbing
    filters = [part for part in decided if isinstance(part, Q)]
    if not filters:
        return not absorbing
    combined = filters[0]
    for part in filters[1:]:
        combined = join(combined, part)
    return combined
