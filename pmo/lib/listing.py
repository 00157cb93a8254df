"""Sorting and paging of list pages, the same on every list."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.functional import cached_property


def sort_queryset(
    queryset: QuerySet, sort: str | None, allowed: dict[str, str], default: str
) -> tuple[QuerySet, str]:
    """Order by a whitelisted key (`name` or `-name`); unknown keys fall back to the default."""
    key = (sort or "").strip()
    descending = key.startswith("-")
    field = allowed.get(key.lstrip("-"))
    if field is None:
        key, descending, field = default, default.startswith("-"), allowed[default.lstrip("-")]
    ordering = f"-{field}" if descending else field
    return queryset.order_by(ordering, "-pk" if descending else "pk"), key


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int | None = None) -> Page:
    """Return the requested page; out-of-range pages show the last one."""
    paginator = Paginator(queryset, per_page or settings.PAGINATE_BY)
    return paginator.get_page(request.GET.get("page"))


class CappedPaginator(Paginator):
    """A paginator that counts the rows only a few pages past the one shown (`counted_up_to` rows).

    An exact count reads every row of the list: 100,000 orders at scale XL, 12 to 20 ms a page whatever
    the page shows. Counting up to a bound costs what reading those pages would. When there are more
    rows, `is_capped` is true, `count` is the bound and the pages stop there (the template says "more
    than"); the next request counts further on.
    """

    def __init__(
        self, object_list: QuerySet, per_page: int, *, counted_up_to: int, keys_first: bool = False
    ) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.counted_up_to = counted_up_to
        self.keys_first = keys_first

    def page(self, number) -> Page:
        """The page; with `keys_first`, its rows are found by key first, then read with their joins.

        A sort on a joined column (the earned-value table by SPI) made PostgreSQL join every row to all of
        its select_related tables before keeping 25: sorting the bare keys first and reading the 25 rows
        inside the same statement (`pk IN (... LIMIT 25)`) leaves the joins to those 25.
        """
        if not self.keys_first:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = self.queryset.values("pk")[bottom : bottom + self.per_page]
        return Page(self.queryset.filter(pk__in=keys), number, self)

    @cached_property
    def _found(self) -> int:
        return self.queryset.order_by().values("pk")[: self.counted_up_to + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.counted_up_to)

    @property
    def is_capped(self) -> bool:
        return self._found > self.counted_up_to


def paginate_capped(
    request: HttpRequest, queryset: QuerySet, pages_ahead: int = 10, keys_first: bool = False
) -> Page:
    """The requested page of a list too long to count, counted `pages_ahead` pages past it."""
    per_page = settings.PAGINATE_BY
    try:
        number = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        number = 1
    counted_up_to = (number + pages_ahead) * per_page
    paginator = CappedPaginator(queryset, per_page, counted_up_to=counted_up_to, keys_first=keys_first)
    return paginator.get_page(number)


class _KeyCount(Subquery):
    """How many distinct keys a `values("pk")` queryset selects, as a scalar subquery."""

    template = "(SELECT count(*) FROM (%(subquery)s) _keys)"
    output_field = IntegerField()


def first_with_total(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all, in one query.

    The total is an uncorrelated scalar subquery over the rows' distinct keys (PostgreSQL runs it once, as
    an InitPlan), not a window: `COUNT(*) OVER ()` makes the database compute every row's columns, with
    their correlated sums, before LIMIT keeps a few (0.5 s for 11,000 orders waiting at scale XL; 1,059
    high risks numbered for the portfolio's five at L). Counting the keys, not the annotated rows, keeps
    joins and sums out of the count. They are counted straight from the filtered keys: matching them back
    against the table (`pk IN (...)`) read the whole table once more (a hash join over 40,000 tasks, 39 of
    the engineering home's 54 ms at L)."""
    keys = queryset.order_by().values("pk").distinct()
    rows = list(queryset.annotate(total_rows=_KeyCount(keys))[:limit])
    return rows, (rows[0].total_rows if rows else 0)


def narrowing_keys(queryset: QuerySet) -> QuerySet | None:
    """The queryset's keys, to narrow other rows to its rows; None when it filters nothing (the whole table).

    Matching a register, the orders or the budget lines against every one of 2,000 projects at L (each joined
    to its latest update on the dashboards) cost a few milliseconds a list for nothing.
    """
    return queryset.order_by().values("pk") if queryset.query.where else None


def narrowed_to(rows: QuerySet, queryset: QuerySet, field: str = "project") -> QuerySet:
    """`rows` whose `field` is one of the queryset's rows; all of them when the queryset filters nothing."""
    keys = narrowing_keys(queryset)
    return rows if keys is None else rows.filter(**{f"{field}__in": keys})
