"""Sorting and paging of list pages, the same on every list."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


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


def first_with_total(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all, in one query.

    The total is an uncorrelated subquery, which PostgreSQL computes once: the rows themselves are then
    read only up to the LIMIT (an index in the sort order serves them). A window count made it join and
    number every matching row first (1,059 high risks for the portfolio's five).
    """
    from django.db.models import Count, IntegerField, Subquery, Value

    counted = (
        queryset.order_by()
        .annotate(every_row=Value(1, output_field=IntegerField()))
        .values("every_row")
        .annotate(total=Count("pk", distinct=bool(queryset.query.distinct)))
        .values("total")
    )
    rows = list(queryset.annotate(total_rows=Subquery(counted, output_field=IntegerField()))[:limit])
    return rows, (rows[0].total_rows if rows else 0)
