"""From the salesperson's intake to the project: sales → PMO return → sales fix → PMO accept → convert."""

from projects.models import Customer, Intake, IntakeStatus, Project
from tests.browser.journey import PDF, Journey, follow, messages_text, submit

TEMPLATE = "security-appliance-rollout"  # needs one attachment: the offer
CUSTOMER_VAT = "BE0403019261"


def sales_drafts_an_intake_with_its_offer(journey: Journey) -> None:
    journey.state["customer_name"] = f"Stad Gent {journey.language.upper()}"
    page = journey.as_("sales")
    page.goto("/")
    follow(page, r"/projects/intakes/create/$")
    page.select_option("select[name=template]", label=_template_label(journey))
    page.fill("input[name=title]", f"Firewalls stadhuis {journey.language}")
    page.fill("input[name=new_customer_name]", journey.state["customer_name"])
    page.fill("input[name=new_customer_vat]", CUSTOMER_VAT)
    page.fill("input[name=opportunity_reference]", "OPP-2027-0042")
    page.fill("textarea[name=scope_summary]", "Two firewall clusters for the city hall.")
    page.fill("textarea[name=in_scope]", "Supply, configuration, migration of the rules.")
    page.fill("input[name=sold_value]", "180000")
    page.fill("input[name=cost_estimate]", "140000")
    page.fill("input[name=requested_start]", "2027-03-01")
    page.fill("textarea[name=site_addresses]", "Botermarkt 1, 9000 Gent")
    # The customer contacts are left out on purpose: the PMO returns the intake for them.
    submit(page, "main form button[type=submit]")
    intake = Intake.objects.get(title=f"Firewalls stadhuis {journey.language}")
    journey.state["intake"] = intake.pk
    assert intake.status == IntakeStatus.DRAFT and intake.sold_value == 180000
    assert intake.number in page.inner_text("main")

    page.select_option("select[name=category]", "offer")
    page.fill("input[name=title]", "Offerte v1")
    page.set_input_files(
        "input[name=file]", files=[{"name": "offerte.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(page, "form[enctype] button[type=submit]")
    assert intake.documents.filter(category="offer").exists()
    assert "Offerte v1" in page.inner_text("main")
    journey.shot(page, "intake-draft")


def sales_completes_and_submits(journey: Journey) -> None:
    page = journey.as_("sales")
    intake = Intake.objects.get(pk=journey.state["intake"])
    # The template asks for the customer contacts: the page lists them as missing and cannot submit yet.
    assert page.locator("button:has(.bi-send)").is_disabled()
    follow(page, rf"/projects/intakes/{intake.pk}/update/$")
    page.fill("textarea[name=customer_contacts]", "Jan Peeters")
    submit(page, "main form button[type=submit]")
    intake.refresh_from_db()
    # The amounts the form showed come back unchanged (they were once blanked and saved as 0).
    assert (intake.sold_value, intake.cost_estimate) == (180000, 140000)
    submit(page, "button:has(.bi-send)")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    journey.shot(page, "intake-submitted")


def pmo_returns_it_with_a_reason(journey: Journey) -> None:
    page = journey.as_("pm_support")
    intake = Intake.objects.get(pk=journey.state["intake"])
    page.goto("/")
    assert intake.number in page.locator("#intakes-to-review").inner_text()
    follow(page, rf"/projects/intakes/{intake.pk}/$")
    page.fill("textarea[name=reason]", "Geef een telefoonnummer en e-mail van de contactpersoon.")
    submit(page, "button:has(.bi-arrow-return-left)")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.RETURNED
    assert intake.status_changes.last().reason.startswith("Geef een telefoonnummer")


def sales_reads_the_reason_and_fixes_it(journey: Journey) -> None:
    page = journey.as_("sales")
    intake = Intake.objects.get(pk=journey.state["intake"])
    page.goto("/")
    mine = page.locator("#my-intakes").inner_text()
    assert "Geef een telefoonnummer" in mine and intake.number in mine
    journey.shot(page, "sales-home-returned")
    follow(page, rf"/projects/intakes/{intake.pk}/$")
    follow(page, rf"/projects/intakes/{intake.pk}/update/$")
    page.fill("textarea[name=customer_contacts]", "Jan Peeters, +32 9 266 52 11, jan.peeters@stad.gent")
    submit(page, "main form button[type=submit]")
    submit(page, "button:has(.bi-send)")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED and "jan.peeters@stad.gent" in intake.customer_contacts


def pmo_accepts_and_creates_the_project(journey: Journey) -> None:
    page = journey.as_("pm_support")
    intake = Intake.objects.get(pk=journey.state["intake"])
    page.goto("/")
    follow(page, rf"/projects/intakes/{intake.pk}/$")
    for box in page.locator("form[action$='/accept/'] input[type=checkbox]").all():
        box.check()
    submit(page, "form[action$='/accept/'] button[type=submit]")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.ACCEPTED, messages_text(page)

    follow(page, rf"/projects/intakes/{intake.pk}/convert/$")
    assert "Stad Gent" in page.locator("#existing-customer").inner_text()
    manager = journey.user("project_manager")
    page.select_option("select[name=project_manager]", str(manager.pk))
    page.fill("input[name=budget]", "140000")
    submit(page, "main form button[type=submit]")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.CONVERTED, messages_text(page)
    project = Project.objects.get(pk=intake.project_id)
    assert (
        project.customer.vat_number == CUSTOMER_VAT
        and Customer.objects.filter(vat_number=CUSTOMER_VAT).count() == 1
    )
    assert project.project_manager == manager and project.budget == 140000
    assert project.code in page.inner_text("main")
    journey.state |= {"project": project.pk, "project_code": project.code}
    journey.shot(page, "project-created")


def _template_label(journey: Journey) -> str:
    from django.utils import translation

    from projects.models import IntakeTemplate

    with translation.override(journey.language):
        return str(IntakeTemplate.objects.get(code=TEMPLATE).name)


STEPS = [
    sales_drafts_an_intake_with_its_offer,
    sales_completes_and_submits,
    pmo_returns_it_with_a_reason,
    sales_reads_the_reason_and_fixes_it,
    pmo_accepts_and_creates_the_project,
]
