import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.roles import Role
from procurement import services
from procurement.models import BudgetLine, InvoiceStatus, Supplier, SupplierInvoice
from tests.factories import BudgetLineFactory, ProjectFactory, cost_category, user_with_role
from tests.procurement.helpers import make_order, submitted_order

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_it_shows_the_pnl_of_a_project(client):
    order = submitted_order(amount=Decimal("800.00"), budget=Decimal("5000.00"))
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    response = login(client, order.project.project_manager).get(
        f"/procurement/projects/{order.project.pk}/pnl/"
    )
    assert response.status_code == 200
    line = response.context["pnl"].lines[0]
    assert (line.budget, line.committed, line.available) == (
        Decimal("5000.00"),
        Decimal("800.00"),
        Decimal("4200.00"),
    )
    project = response.context["project"]
    assert project.money_revenue == project.contract_value
    assert project.money_margin == project.contract_value - Decimal("5000.00")


def test_it_shows_the_pnl_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    project = ProjectFactory()
    client = login(client, user_with_role(Role.FINANCE))
    make_order(project=project)
    client.get(f"/procurement/projects/{project.pk}/pnl/")
    for code in ("subcontracting", "travel", "contingency"):
        BudgetLineFactory(project=project, category=cost_category(code))
    for _ in range(10):
        make_order(project=project)
    # + 2 for the registered P&L sources (Dynamics 365 actuals and orders), whatever the number of lines
    with django_assert_max_num_queries(9):
        response = client.get(f"/procurement/projects/{project.pk}/pnl/")
    assert len(response.context["pnl"].lines) == 4


@pytest.mark.parametrize("role", [Role.SALES, Role.SMO, Role.ENGINEERING_MANAGER])
def test_it_refuses_the_pnl_to_roles_without_money(client, role):
    project = ProjectFactory(phase="closing", account_manager=user_with_role(Role.SALES))
    response = login(client, user_with_role(role)).get(f"/procurement/projects/{project.pk}/pnl/")
    assert response.status_code in (403, 404)


def test_it_refuses_another_pms_project(client):
    project = ProjectFactory()
    response = login(client, user_with_role(Role.PROJECT_MANAGER)).get(
        f"/procurement/projects/{project.pk}/pnl/"
    )
    assert response.status_code == 404


def test_it_lets_the_pm_set_a_budget_line_and_its_forecast(client):
    project = ProjectFactory()
    response = login(client, project.project_manager).post(
        f"/procurement/projects/{project.pk}/budget/travel/", {"budget": "2.500,00", "forecast": "2.750,00"}
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get(project=project, category__code="travel")
    assert (line.budget, line.forecast) == (Decimal("2500.00"), Decimal("2750.00"))


def test_it_refuses_finance_changing_a_budget_line(client):
    project = ProjectFactory()
    response = login(client, user_with_role(Role.FINANCE)).post(
        f"/procurement/projects/{project.pk}/budget/travel/", {"budget": "1,00", "forecast": "1,00"}
    )
    assert response.status_code == 403
    assert not BudgetLine.objects.filter(project=project).exists()


def test_it_shows_the_portfolio_money_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client = login(client, user_with_role(Role.HEAD_OF_PM))
    make_order()
    client.get("/procurement/portfolio/")
    for _ in range(10):
        make_order()
    with django_assert_max_num_queries(6):
        response = client.get("/procurement/portfolio/?sort=-available&q=P-1999")
    assert len(response.context["page"].object_list) == 11


def test_it_shows_a_pm_only_their_own_projects_in_the_money_view(client):
    mine = make_order().project
    make_order()
    response = login(client, mine.project_manager).get("/procurement/portfolio/")
    assert [project.pk for project in response.context["page"].object_list] == [mine.pk]


@pytest.mark.parametrize("role", [Role.SALES, Role.SMO, Role.ENGINEERING_MANAGER])
def test_it_refuses_the_portfolio_money_view(client, role):
    assert login(client, user_with_role(role)).get("/procurement/portfolio/").status_code == 403


def test_it_exports_the_filtered_lines_as_csv(client):
    order = submitted_order()
    make_order()
    response = login(client, user_with_role(Role.FINANCE)).get(
        f"/procurement/orders/export.csv?project={order.project.code}"
    )
    assert response.status_code == 200 and response.streaming
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # the BOM: Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["order_number", "order_status", "order_date"]
    assert len(rows) == 2 and rows[1][0] == order.number
    assert rows[1][rows[0].index("amount_excl_vat")] == "500,00"  # a decimal comma, as Excel in Belgium reads


@pytest.mark.parametrize("search", ["netwerk", "SWITCHES", "PO-"])
def test_the_order_search_finds_by_supplier_name_title_or_number(client, search):
    """The search of the order list and its exports: part of the supplier's name, the title or the number."""
    supplier = Supplier.objects.create(name="Aaa Netwerken BV", vat_number="BE0403170701")
    found = make_order(supplier=supplier)
    services.purchase_order_update(order=found, actor=found.requester, title="Access switches", lines=None)
    other = make_order(supplier=Supplier.objects.create(name="Beta Tools", vat_number="BE0417497106"))
    services.purchase_order_update(order=other, actor=other.requester, title="Hand tools", lines=None)
    response = login(client, user_with_role(Role.FINANCE)).get(
        "/procurement/orders/export.csv", {"q": search}
    )
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    numbers = {row[0] for row in rows[1:]}
    assert found.number in numbers
    assert (other.number in numbers) == (search == "PO-")  # every number starts with PO-, no other name


def test_it_exports_the_lines_as_xlsx(client):
    order = submitted_order()
    response = login(client, user_with_role(Role.FINANCE)).get("/procurement/orders/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == order.number


@pytest.mark.parametrize("role", [Role.SALES, Role.SMO, Role.PROJECT_MANAGER])
def test_it_refuses_exports(client, role):
    client = login(client, user_with_role(role))
    assert client.get("/procurement/orders/export.csv").status_code == 403
    assert client.get("/procurement/orders/export.xlsx").status_code == 403


def test_it_lets_finance_record_an_invoice_through_the_page(client):
    order = submitted_order()
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    line = order.lines.get()
    response = login(client, user_with_role(Role.FINANCE)).post(
        f"/procurement/orders/{order.pk}/invoices/create/",
        {
            "number": "INV-9",
            "invoice_date": "03/03/2026",
            f"quantity_{line.pk}": "1",
            f"price_{line.pk}": "500,00",
        },
    )
    invoice = SupplierInvoice.objects.get(number="INV-9")
    assert response.status_code == 302
    assert invoice.status == InvoiceStatus.MISMATCH  # nothing received yet


@pytest.mark.parametrize("role", [Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.PROJECT_MANAGER])
def test_it_keeps_invoices_to_finance(client, role):
    order = submitted_order()
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    response = login(client, user_with_role(role)).post(
        f"/procurement/orders/{order.pk}/invoices/create/", {"number": "INV-9", "invoice_date": "03/03/2026"}
    )
    assert response.status_code == 403
    assert not SupplierInvoice.objects.exists()


def test_it_creates_a_supplier_with_a_checked_vat_number_and_iban(client):
    client = login(client, user_with_role(Role.PM_SUPPORT))
    data = {
        "name": "Kabel NV",
        "kind": "subcontractor",
        "vat_number": "BE 0403.170.701",
        "iban": "BE71 0961 2345 6769",
        "country": "BE",
        "language": "fr",
        "payment_terms_days": "30",
    }
    response = client.post("/procurement/suppliers/create/", data)
    supplier = Supplier.objects.get(name="Kabel NV")
    assert response.status_code == 302
    assert (supplier.vat_number, supplier.iban) == ("BE0403170701", "BE71096123456769")
    bad = client.post("/procurement/suppliers/create/", {**data, "name": "Bad", "vat_number": "BE0403170702"})
    assert bad.status_code == 200 and "vat_number" in bad.context["form"].errors
    assert not Supplier.objects.filter(name="Bad").exists()


@pytest.mark.parametrize("role", [Role.SALES, Role.SMO, Role.PROJECT_MANAGER])
def test_it_refuses_supplier_creation(client, role):
    response = login(client, user_with_role(role)).post("/procurement/suppliers/create/", {"name": "X"})
    assert response.status_code == 403
    assert not Supplier.objects.exists()


def test_it_lists_suppliers_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client = login(client, user_with_role(Role.FINANCE))
    make_order()
    client.get("/procurement/suppliers/")
    for _ in range(10):
        make_order()
    with django_assert_max_num_queries(6):
        response = client.get("/procurement/suppliers/")
    assert response.status_code == 200


def test_it_shows_a_supplier_and_its_latest_orders(client):
    order = make_order()
    response = login(client, user_with_role(Role.FINANCE)).get(f"/procurement/suppliers/{order.supplier.pk}/")
    assert response.status_code == 200
    assert order.number in response.content.decode()


def test_it_lets_finance_resolve_a_mismatch_through_the_page(client):
    order = submitted_order()
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    finance = user_with_role(Role.FINANCE)
    line = order.lines.get()
    invoice = services.supplier_invoice_record(
        order=order,
        number="F-77",
        invoice_date=order.created_at.date(),
        actor=finance,
        lines=[services.InvoiceLineInput(line.pk, Decimal("1"), Decimal("500.00"))],
    )
    client = login(client, finance)
    assert client.get(f"/procurement/invoices/{invoice.pk}/").status_code == 200
    assert client.get("/procurement/invoices/?status=mismatch").status_code == 200
    response = client.post(
        f"/procurement/invoices/{invoice.pk}/resolve/", {"accept": "1", "note": "Goods on site"}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.resolved_by) == (InvoiceStatus.RESOLVED, finance)


def test_it_refuses_resolution_to_the_pmo(client):
    order = submitted_order()
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    line = order.lines.get()
    invoice = services.supplier_invoice_record(
        order=order,
        number="F-78",
        invoice_date=order.created_at.date(),
        actor=user_with_role(Role.FINANCE),
        lines=[services.InvoiceLineInput(line.pk, Decimal("1"), Decimal("500.00"))],
    )
    response = login(client, user_with_role(Role.PM_SUPPORT)).post(
        f"/procurement/invoices/{invoice.pk}/resolve/", {"accept": "1", "note": "x"}
    )
    assert response.status_code == 403
    assert SupplierInvoice.objects.get(pk=invoice.pk).status == InvoiceStatus.MISMATCH


@pytest.mark.parametrize("small_export_orders", [400, 0])
def test_a_small_and_a_large_export_write_the_same_rows(client, monkeypatch, small_export_orders):
    from procurement.selectors import exports

    monkeypatch.setattr(exports, "SMALL_EXPORT_ORDERS", small_export_orders)  # 0: the server-side cursor
    first, second = submitted_order(), make_order()
    finance = login(client, user_with_role(Role.FINANCE))
    with CaptureQueriesContext(connection) as queries:
        content = b"".join(finance.get("/procurement/orders/export.csv").streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == sorted([first.number, second.number])
    declared = [query["sql"] for query in queries.captured_queries if "DECLARE" in query["sql"]]
    assert bool(declared) == (small_export_orders == 0)  # a cursor only for large exports


def _pinned_orders():
    """Two orders whose every exported value is known: winter and summer times, a tricky description."""
    from datetime import UTC, date, datetime

    from procurement.models import PurchaseOrder, PurchaseOrderLine

    supplier = Supplier.objects.create(name='=Acme; "Tools" BV', vat_number="BE0403170701", peppol_id="")
    winter = submitted_order(supplier=supplier, amount=Decimal("1234.5"))
    summer = make_order(supplier=supplier, project=None, amount=Decimal("0.1"))
    PurchaseOrder.objects.filter(pk=winter.pk).update(
        created_at=datetime(2026, 1, 15, 23, 30, 5, 123456, tzinfo=UTC),
        approved_at=datetime(2026, 1, 16, 8, 0, tzinfo=UTC),
        delivery_date=date(2026, 2, 1),
    )
    PurchaseOrder.objects.filter(pk=summer.pk).update(created_at=datetime(2026, 7, 15, 22, 0, tzinfo=UTC))
    PurchaseOrderLine.objects.filter(order=summer).update(description='Cable "Cat 6"\nper metre; 3 m')
    return winter, summer


@pytest.mark.parametrize("small_export_orders", [400, 0])  # 0: the server-side cursor
@pytest.mark.parametrize("in_sql", [True, False], ids=["cells-in-sql", "cells-in-python"])
def test_the_csv_export_writes_exactly_these_bytes(client, monkeypatch, small_export_orders, in_sql):
    from procurement.selectors import exports
    from procurement.views import exports as views

    monkeypatch.setattr(exports, "SMALL_EXPORT_ORDERS", small_export_orders)
    monkeypatch.setattr(views, "export_cells_in_sql", lambda: in_sql)
    winter, summer = _pinned_orders()
    supplier = winter.supplier
    finance = login(client, user_with_role(Role.FINANCE))

    content = b"".join(
        finance.get(f"/procurement/orders/export.csv?supplier={supplier.pk}").streaming_content
    )

    header = (
        "order_number;order_status;order_date;approved_at;project_code;supplier_name;supplier_vat;"
        "supplier_peppol_id;line_number;description;cost_category;quantity;unit;unit_price;vat_code;"
        "amount_excl_vat;vat_amount;received_quantity;invoiced_quantity;invoiced_amount;delivery_date;requester"
    )
    first = (
        f"{winter.number};submitted;2026-01-16T00:30:05+01:00;2026-01-16T09:00:00+01:00;{winter.project.code};"
        '"\'=Acme; ""Tools"" BV";BE0403170701;;1;Switch 48 ports;equipment;1,000;pcs;1234,50;21;'
        f"1234,50;259,25;0,000;0,000;0,00;2026-02-01;{winter.requester.email}"
    )
    second = (
        f"{summer.number};draft;2026-07-16T00:00:00+02:00;;;"
        '"\'=Acme; ""Tools"" BV";BE0403170701;;1;"Cable ""Cat 6""\nper metre; 3 m";;1,000;pcs;0,10;21;'
        f"0,10;0,02;0,000;0,000;0,00;;{summer.requester.email}"
    )
    rows = sorted([first, second])  # by order number
    assert content == ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode()


def _xlsx_of_pinned_orders(client, monkeypatch, in_sql: bool):
    """Finance's XLSX of the two pinned orders' lines, with the cells built in SQL or in Python."""
    from procurement.views import exports as views

    monkeypatch.setattr(views, "export_cells_in_sql", lambda: in_sql)
    winter, summer = _pinned_orders()
    finance = login(client, user_with_role(Role.FINANCE))
    return winter, summer, finance.get(f"/procurement/orders/export.xlsx?supplier={winter.supplier.pk}")


@pytest.mark.parametrize("in_sql", [True, False], ids=["values-in-sql", "values-in-python"])
def test_the_xlsx_export_writes_exactly_these_cells(client, monkeypatch, in_sql):
    from datetime import datetime

    winter, summer, response = _xlsx_of_pinned_orders(client, monkeypatch, in_sql)

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="purchase-order-lines-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "lines"
    assert rows[0][:3] == ("order_number", "order_status", "order_date") and len(rows[0]) == 22
    by_number = {row[0]: row for row in rows[1:]}
    assert len(rows) == 3
    assert by_number[winter.number] == (
        winter.number, "submitted", datetime(2026, 1, 16, 0, 30, 5, 123000), datetime(2026, 1, 16, 9, 0),
        winter.project.code, "'=Acme; \"Tools\" BV", "BE0403170701", None, 1, "Switch 48 ports", "equipment",
        1, "pcs", 1234.5, "21", 1234.5, 259.25, 0, 0, 0, datetime(2026, 2, 1), winter.requester.email,
    )  # fmt: skip
    assert by_number[summer.number] == (
        summer.number, "draft", datetime(2026, 7, 16, 0, 0), None, None, "'=Acme; \"Tools\" BV",
        "BE0403170701", None, 1, 'Cable "Cat 6"\nper metre; 3 m', None, 1, "pcs", 0.1, "21", 0.1, 0.02, 0, 0,
        0, None, summer.requester.email,
    )  # fmt: skip


@pytest.mark.parametrize("in_sql", [True, False], ids=["values-in-sql", "values-in-python"])
def test_the_xlsx_export_keeps_its_header_and_the_type_and_format_of_every_cell(client, monkeypatch, in_sql):
    winter, _summer, response = _xlsx_of_pinned_orders(client, monkeypatch, in_sql)

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *lines = list(sheet.iter_rows())
    names = [
        "order_number", "order_status", "order_date", "approved_at", "project_code", "supplier_name",
        "supplier_vat", "supplier_peppol_id", "line_number", "description", "cost_category", "quantity",
        "unit", "unit_price", "vat_code", "amount_excl_vat", "vat_amount", "received_quantity",
        "invoiced_quantity", "invoiced_amount", "delivery_date", "requester",
    ]  # fmt: skip
    assert [(cell.value, cell.data_type) for cell in header] == [(name, "s") for name in names]
    text, number, stamp, day = (
        ("s", "General"),
        ("n", "General"),
        ("d", "yyyy-mm-dd hh:mm:ss"),
        ("d", "yyyy-mm-dd"),
    )
    (line,) = [line for line in lines if line[0].value == winter.number]
    assert [(cell.data_type, cell.number_format) for cell in line] == [
        text, text, stamp, stamp, text, text, text, number, number, text, text,
        number, text, number, text, number, number, number, number, number, day, text,
    ]  # fmt: skip
    assert line[7].value is None  # no Peppol id: an empty cell, not an empty text
    assert line[5].value == '\'=Acme; "Tools" BV'  # a text starting with = is never a formula
