"""Dynamics 365 pull against a local Dataverse Web API: token, paging, incremental, idempotent, errors."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from procurement.models import Supplier
from reporting.connectors.http import RemoteError
from reporting.connectors.runs import sync_run_create, sync_run_execute
from reporting.models import (
    Connector,
    D365Actual,
    D365Opportunity,
    D365PurchaseOrder,
    D365Vendor,
    FieldMapping,
    RemoteLink,
    SyncCursor,
    SyncRun,
)
from tests.factories import ProjectFactory, SupplierFactory
from tests.reporting.fake_remotes import SUPPLY_CHAIN_PURCHASE_ORDER_ATTRIBUTES

pytestmark = pytest.mark.django_db

FORMATTED = "@OData.Community.Display.V1.FormattedValue"
D365_PROJECT = "9b1c0000-0000-0000-0000-000000000001"
OTHER_D365_PROJECT = "9b1c0000-0000-0000-0000-000000000002"
VENDOR_ACCOUNT = "acc00000-0000-0000-0000-000000000009"


@pytest.fixture(autouse=True)
def fresh_token_cache():
    cache.clear()


def pull(dry_run: bool = False) -> SyncRun:
    run = sync_run_create(
        connector=Connector.DYNAMICS365, direction=SyncRun.Direction.PULL, is_dry_run=dry_run
    )
    return sync_run_execute(run_id=run.pk)


def opportunity(number: int, modified: str, **overrides) -> dict:
    return {
        "@odata.etag": f'W/"{number}{modified}"',
        "opportunityid": f"0a000000-0000-0000-0000-{number:012d}",
        "name": f"Wifi for school {number}",
        "_parentaccountid_value": "acc-1",
        f"_parentaccountid_value{FORMATTED}": "Scholengroep Gent",
        "estimatedvalue": 125000.5,
        f"estimatedvalue{FORMATTED}": "€125,000.50",
        "estimatedclosedate": "2026-12-15",
        "statecode": 1,
        f"statecode{FORMATTED}": "Won",
        "description": "Campus-wide wifi",
        "modifiedon": modified,
        **overrides,
    }


def seed_dataverse(fake, project_code: str) -> None:
    fake.tables["msdyn_projects"] = [
        {
            "msdyn_projectid": D365_PROJECT,
            "msdyn_subject": f"{project_code} Campus refresh",
            "modifiedon": "2026-11-01T10:00:00Z",
        },
        {
            "msdyn_projectid": OTHER_D365_PROJECT,
            "msdyn_subject": "Internal R&D",
            "modifiedon": "2026-11-01T10:00:00Z",
        },
    ]
    fake.tables["opportunities"] = [opportunity(n, f"2026-11-0{n}T08:00:00Z") for n in range(1, 6)]
    fake.tables["msdyn_vendors"] = [
        {
            "msdyn_vendorid": "v-1",
            "msdyn_vendoraccountnumber": "V0001",
            "msdyn_name": "Switch Supply NV",
            "msdyn_primaryemailaddress": "orders@switch.example",
            "msdyn_addressstreet": "Kade 1",
            "msdyn_addresszipcode": "9000",
            "msdyn_addresscity": "Gent",
            "msdyn_addresscountryregionid": "BEL",  # the F&O code; the ISO code is the other column
            "msdyn_addresscountryregionisocode": "BE",
            "modifiedon": "2026-11-02T08:00:00Z",
        },
    ]
    fake.tables["accounts"] = [
        {
            "accountid": VENDOR_ACCOUNT,
            "name": "Rack Builders BV",
            "accountnumber": "ACC-0042",
            "emailaddress1": "sales@racks.example",
            "address1_line1": "Haven 3",
            "address1_postalcode": "3011",
            "address1_city": "Rotterdam",
            "address1_country": "NL",
            "modifiedon": "2026-10-01T08:00:00Z",
        }
    ]
    fake.tables["msdyn_purchaseorders"] = [
        {
            "msdyn_purchaseorderid": "po-1",
            "msdyn_name": f"PO-000117 {project_code}",
            "_msdyn_vendor_value": VENDOR_ACCOUNT,
            f"_msdyn_vendor_value{FORMATTED}": "Rack Builders BV",
            "msdyn_purchaseorderstatus": 690970001,
            f"msdyn_purchaseorderstatus{FORMATTED}": "Submitted",
            "msdyn_documentapprovalstatus": 690970000,
            f"msdyn_documentapprovalstatus{FORMATTED}": "Approved",
            "msdyn_totalamount": 18150.0,
            "msdyn_dateexpected": "2026-12-01T00:00:00Z",
            "modifiedon": "2026-11-03T08:00:00Z",
        },
    ]
    fake.tables["msdyn_actuals"] = [
        {
            "msdyn_actualid": f"act-{n}",
            "_msdyn_project_value": project,
            "msdyn_description": f"Cost {n}",
            "msdyn_documentdate": "2026-11-10",
            "msdyn_quantity": 8,
            "msdyn_amount": amount,
            "msdyn_transactiontypecode": type_code,
            f"msdyn_transactiontypecode{FORMATTED}": "Cost",
            "msdyn_transactionclassification": 192350000,
            f"msdyn_transactionclassification{FORMATTED}": "Time",
            "modifiedon": f"2026-11-1{n}T08:00:00Z",
        }
        for n, project, amount, type_code in [
            (1, D365_PROJECT, 760.0, 192350000),
            (2, D365_PROJECT, -95.5, 192350000),
            (3, OTHER_D365_PROJECT, 100.0, 192350000),
            (4, D365_PROJECT, 1200.0, 192350005),  # unbilled sales: not a cost
        ]
    ]


def test_it_pulls_every_entity_and_lands_actuals_and_orders_on_our_project(dataverse):
    project = ProjectFactory()
    seed_dataverse(dataverse, project.code)

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED, (run.error, list(run.failures.values("message")))
    assert RemoteLink.objects.get(remote_id=D365_PROJECT).local_id == project.pk
    assert D365Opportunity.objects.count() == 5
    won = D365Opportunity.objects.get(remote_id__endswith="000000000001")
    assert (won.account_name, won.estimated_value, won.state) == (
        "Scholengroep Gent",
        Decimal("125000.50"),
        "Won",
    )
    assert won.estimated_close_date == date(2026, 12, 15)
    vendor = D365Vendor.objects.get(source_table="msdyn_vendors")
    assert (vendor.account_number, vendor.name, vendor.city) == ("V0001", "Switch Supply NV", "Gent")
    order = D365PurchaseOrder.objects.get()
    assert order.project == project and order.amount == Decimal("18150.00") and order.status == "Submitted"
    assert order.status_code == "690970001" and order.vendor_account_id == VENDOR_ACCOUNT
    assert (order.supplier.name, order.supplier.country) == ("Rack Builders BV", "NL")  # the account
    assert order.expected_date == date(2026, 12, 1)
    assert sorted(D365Actual.objects.filter(project=project).values_list("amount", flat=True)) == [
        Decimal("-95.50"),
        Decimal("760.00"),
    ]
    assert D365Actual.objects.get(remote_id="act-3").project is None  # a Dynamics project that is not ours
    assert not D365Actual.objects.filter(remote_id="act-4").exists()  # sales-side actual, filtered out


def test_it_follows_next_links_with_the_same_page_size(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)

    pull()

    opportunity_gets = [
        path for path in dataverse.methods("GET") if path.startswith("/api/data/v9.2/opportunities")
    ]
    assert len(opportunity_gets) == 3  # 5 rows, 2 per page
    assert "%24skiptoken=2" in opportunity_gets[1] and "%24skiptoken=4" in opportunity_gets[2]


def test_a_second_pull_asks_only_for_what_changed_and_changes_nothing_twice(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)
    pull()
    first_gets = len(dataverse.methods("GET"))

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.created_count, run.updated_count) == (0, 0)
    assert run.skipped_count > 0
    later = dataverse.methods("GET")[first_gets:]
    assert any("modifiedon+ge+2026-11-05T08%3A00%3A00Z" in path for path in later if "opportunities" in path)
    assert D365Opportunity.objects.count() == 5
    assert (
        SyncCursor.objects.get(entity="opportunities").modified_since.isoformat()
        == "2026-11-05T08:00:00+00:00"
    )


def test_a_changed_row_is_updated(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)
    pull()
    dataverse.tables["opportunities"].append(
        opportunity(5, "2026-11-20T08:00:00Z", name="Wifi for school 5 (extended)", estimatedvalue=150000)
    )

    run = pull()

    assert run.details["entities"]["opportunities"]["updated"] == 1
    changed = D365Opportunity.objects.get(remote_id__endswith="000000000005")
    assert changed.name == "Wifi for school 5 (extended)" and changed.estimated_value == Decimal("150000.00")
    assert D365Opportunity.objects.count() == 5


def test_it_gets_one_token_for_the_whole_run_with_the_environment_scope(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)

    pull()

    assert dataverse.tokens_issued == 1


def test_a_bad_client_secret_fails_with_the_token_endpoints_error_and_no_secret(dataverse, settings):
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "CLIENT_SECRET": "not-the-secret-42"}

    run = pull()

    assert run.status == SyncRun.Status.FAILED
    assert "HTTP 401" in run.error and "invalid_client" in run.error
    assert "not-the-secret-42" not in run.error


def test_an_unknown_column_refuses_the_whole_run_before_anything_is_stored(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)
    FieldMapping.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="msdyn_vendors",
        local_field="email",
        remote_field="emailaddress1",
    )

    run = pull()

    assert run.status == SyncRun.Status.FAILED
    assert "msdyn_vendors.emailaddress1" in run.error
    assert list(run.failures.values_list("entity", "reference")) == [("msdyn_vendors", "emailaddress1")]
    assert not D365Opportunity.objects.exists() and not D365Vendor.objects.exists()
    assert not SyncCursor.objects.exists() and not RemoteLink.objects.exists()
    assert not [path for path in dataverse.methods("GET") if "/opportunities" in path]


def test_it_honours_429_retry_after_and_retries_5xx(dataverse, monkeypatch):
    waits = []
    monkeypatch.setattr("time.sleep", waits.append)
    seed_dataverse(dataverse, ProjectFactory().code)
    dataverse.fail_next(
        429,
        {
            "error": {
                "code": "0x80072322",
                "message": "Number of requests exceeded the limit of 6000 over time window of 300 seconds.",
            }
        },
        headers={"Retry-After": "2"},
        path="/api/data/v9.2/opportunities",
    )
    dataverse.fail_next(
        503, {"error": {"code": "", "message": "Service unavailable"}}, path="/api/data/v9.2/msdyn_actuals"
    )

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert 2 in waits
    assert D365Opportunity.objects.count() == 5 and D365Actual.objects.count() == 3


def test_a_dry_run_pulls_but_stores_nothing(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)

    run = pull(dry_run=True)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created_count == 5 + 1 + 1 + 3 + 1  # opportunities, vendor, order, actuals, project link
    assert "create opportunities 0a000000-0000-0000-0000-000000000001" in run.details["planned"]
    assert not D365Opportunity.objects.exists() and not RemoteLink.objects.exists()
    assert not SyncCursor.objects.exclude(modified_since=None).exists()


@pytest.mark.parametrize("rows", [5, 40])
def test_pulling_a_page_runs_a_constant_number_of_queries_whatever_its_size(dataverse, settings, rows):
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "PAGE_SIZE": 50}
    seed_dataverse(dataverse, ProjectFactory().code)
    dataverse.tables["opportunities"] = [opportunity(n, f"2026-11-01T08:{n:02d}:00Z") for n in range(rows)]

    with CaptureQueriesContext(connection) as queries:
        pull()

    assert D365Opportunity.objects.count() == rows
    # The same for 5 and 40 rows: one page per entity set (+2: the history rows of the two links it makes).
    assert len(queries) <= 112


def test_vendors_become_suppliers_once_and_stay_linked(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)
    dataverse.tables["msdyn_vendors"].append(
        {
            "msdyn_vendorid": "v-2",
            "msdyn_vendoraccountnumber": "V0002",
            "msdyn_name": "Known Cabling BV",
            "msdyn_primaryemailaddress": "new@cabling.example",
            "msdyn_addressstreet": "",
            "msdyn_addresszipcode": "",
            "msdyn_addresscity": "Antwerpen",
            "msdyn_addresscountryregionid": "BEL",
            "msdyn_addresscountryregionisocode": "BE",
            "modifiedon": "2026-11-02T09:00:00Z",
        }
    )
    known = SupplierFactory(name="Known Cabling BV", email="old@cabling.example", iban="")

    run = pull()
    again = pull()

    assert list(run.failures.values_list("message", flat=True)) == []
    created = Supplier.objects.get(name="Switch Supply NV")
    assert (created.email, created.city, created.country) == ("orders@switch.example", "Gent", "BE")
    known.refresh_from_db()
    assert (known.email, known.city) == ("new@cabling.example", "Antwerpen")
    assert Supplier.objects.count() == 3  # the two vendors and the purchase order's vendor account
    assert run.details["entities"]["suppliers"] == {"created": 2, "updated": 1}
    # the last vendor and the last order's account, both at the cursor
    assert again.details["entities"]["suppliers"] == {"skipped": 2}
    assert RemoteLink.objects.get(remote_id="v-2").local_id == known.pk


@pytest.mark.parametrize("caller_language", ["en", "fr"])
def test_a_vendor_our_rules_refuse_is_a_failure_not_a_crash(dataverse, caller_language):
    seed_dataverse(dataverse, ProjectFactory().code)
    dataverse.tables["msdyn_vendors"][0]["msdyn_primaryemailaddress"] = "not an email"

    with translation.override(caller_language):  # the log is in the site's language, whoever runs it
        run = pull()

    assert run.status == SyncRun.Status.PARTIAL
    failure = run.failures.get()
    assert failure.entity == "suppliers" and failure.reference == "Switch Supply NV"
    assert D365Vendor.objects.filter(source_table="msdyn_vendors").count() == 1
    assert not Supplier.objects.filter(name="Switch Supply NV").exists()
    assert failure.message.startswith("Enter a valid email address")


# --- Issue 12: names per edition, checked against the environment's metadata --------------------


def field_service_order(number: str, project_code: str = "", **overrides) -> dict:
    return {
        "msdyn_purchaseorderid": f"fs-{number}",
        "msdyn_name": f"{number} {project_code}".strip(),
        "_msdyn_vendor_value": VENDOR_ACCOUNT,
        f"_msdyn_vendor_value{FORMATTED}": "Rack Builders BV",
        "msdyn_systemstatus": 690970001,
        f"msdyn_systemstatus{FORMATTED}": "Submitted",
        "msdyn_approvalstatus": 690970000,
        f"msdyn_approvalstatus{FORMATTED}": "Approved",
        "msdyn_totalamount": 1200.0,
        "msdyn_dateexpected": "2026-12-10T00:00:00Z",
        "modifiedon": "2026-11-04T08:00:00Z",
        **overrides,
    }


@pytest.fixture
def field_service_only(dataverse, settings):
    """An environment with Field Service and no Supply Chain solution: the plain msdyn_purchaseorder."""
    for name in SUPPLY_CHAIN_PURCHASE_ORDER_ATTRIBUTES:
        dataverse.metadata["msdyn_purchaseorders"]["attributes"].pop(name)
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "EDITION": ["field_service"]}
    seed_dataverse(dataverse, "")
    return dataverse


def test_field_service_orders_are_read_with_their_own_status_columns(field_service_only):
    project = ProjectFactory()
    field_service_only.tables["msdyn_purchaseorders"] = [field_service_order("PO-7", project.code)]

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED, run.error
    order = D365PurchaseOrder.objects.get()
    assert (order.status, order.status_code, order.approval_status) == ("Submitted", "690970001", "Approved")
    assert order.project == project and order.supplier.name == "Rack Builders BV"
    asked = {path.split("?")[0].rsplit("/", 1)[-1] for path in field_service_only.methods("GET")}
    assert "msdyn_actuals" not in asked and "msdyn_projects" not in asked and "msdyn_vendors" not in asked


def test_supply_chain_names_on_a_field_service_environment_refuse_the_run(field_service_only, settings):
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "EDITION": ["field_service", "supply_chain"]}
    field_service_only.tables["msdyn_purchaseorders"] = [field_service_order("PO-7")]

    run = pull()

    assert run.status == SyncRun.Status.FAILED
    assert "msdyn_purchaseorders.msdyn_purchaseorderstatus" in run.error
    assert "msdyn_purchaseorders.msdyn_documentapprovalstatus" in run.error
    assert not D365PurchaseOrder.objects.exists() and not D365Vendor.objects.exists()


def test_the_undocumented_project_column_on_purchase_orders_is_refused(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)
    FieldMapping.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="msdyn_purchaseorders",
        local_field="project_reference",
        remote_field="_msdyn_project_value",
    )

    run = pull()

    assert run.status == SyncRun.Status.FAILED and "msdyn_purchaseorders._msdyn_project_value" in run.error
    assert not D365PurchaseOrder.objects.exists()


def test_the_fake_checks_select_against_metadata_even_on_an_empty_table(dataverse):
    from reporting.connectors import dynamics

    client = dynamics.dynamics_client()
    url = f"{dataverse.url}/api/data/v9.2/msdyn_purchaseorders"

    with pytest.raises(RemoteError) as refused:
        client.request("GET", url, params={"$select": "_msdyn_project_value"})
    with pytest.raises(RemoteError) as lookup_by_name:
        client.request("GET", url, params={"$filter": "msdyn_vendor eq 00000000-0000-0000-0000-000000000000"})

    assert "msdyn_purchaseorders" not in dataverse.tables
    assert refused.value.status == 400 and "_msdyn_project_value" in refused.value.message
    assert lookup_by_name.value.status == 400 and "(0x80060888)" in lookup_by_name.value.message


def test_an_administrators_project_lookup_on_orders_is_checked_and_used(dataverse):
    project = ProjectFactory()
    seed_dataverse(dataverse, project.code)
    dataverse.metadata["msdyn_purchaseorders"]["attributes"]["new_project"] = "Lookup"
    order_row = dataverse.tables["msdyn_purchaseorders"][0]
    order_row |= {"msdyn_name": "PO-000117", "_new_project_value": D365_PROJECT}
    FieldMapping.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="msdyn_purchaseorders",
        local_field="project_reference",
        remote_field="_new_project_value",
    )

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED, run.error
    assert D365PurchaseOrder.objects.get().project == project


def test_a_dutch_vendor_becomes_a_dutch_supplier(dataverse):
    seed_dataverse(dataverse, ProjectFactory().code)
    dataverse.tables["msdyn_vendors"][0] |= {
        "msdyn_addresscountryregionid": "NLD",
        "msdyn_addresscountryregionisocode": "NL",
    }

    pull()

    assert Supplier.objects.get(name="Switch Supply NV").country == "NL"


def test_an_unknown_edition_is_a_readable_failure(dataverse, settings):
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "EDITION": ["project_operation"]}

    run = pull()

    assert run.status == SyncRun.Status.FAILED and "D365_EDITION: unknown project_operation" in run.error
    assert dataverse.requests_log == []
