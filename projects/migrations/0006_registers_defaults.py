"""The risk scales, bands and categories as shipped, in English, French and Dutch.

Administrators edit them afterwards (admin: risk scale levels, risk bands, risk categories);
this migration only creates what is missing, so it never overwrites their changes.
"""

from django.db import migrations

LEVEL_NAMES = {
    "probability": [
        ("Rare", "Rare", "Zeldzaam"),
        ("Unlikely", "Peu probable", "Onwaarschijnlijk"),
        ("Possible", "Possible", "Mogelijk"),
        ("Likely", "Probable", "Waarschijnlijk"),
        ("Almost certain", "Quasi certain", "Bijna zeker"),
    ],
    "impact": [
        ("Very low", "Très faible", "Zeer laag"),
        ("Low", "Faible", "Laag"),
        ("Medium", "Moyen", "Gemiddeld"),
        ("High", "Élevé", "Hoog"),
        ("Very high", "Très élevé", "Zeer hoog"),
    ],
}
PROBABILITY_PERCENT = [5, 20, 40, 60, 85]
DESCRIPTORS = {
    "probability": [
        ("Less than 10 %", "Moins de 10 %", "Minder dan 10 %"),
        ("10 to 30 %", "10 à 30 %", "10 tot 30 %"),
        ("30 to 50 %", "30 à 50 %", "30 tot 50 %"),
        ("50 to 70 %", "50 à 70 %", "50 tot 70 %"),
        ("More than 70 %", "Plus de 70 %", "Meer dan 70 %"),
    ],
    "cost": [
        ("Less than 5,000 EUR", "Moins de 5 000 EUR", "Minder dan 5.000 EUR"),
        ("5,000 to 25,000 EUR", "5 000 à 25 000 EUR", "5.000 tot 25.000 EUR"),
        ("25,000 to 100,000 EUR", "25 000 à 100 000 EUR", "25.000 tot 100.000 EUR"),
        ("100,000 to 250,000 EUR", "100 000 à 250 000 EUR", "100.000 tot 250.000 EUR"),
        ("More than 250,000 EUR", "Plus de 250 000 EUR", "Meer dan 250.000 EUR"),
    ],
    "time": [
        ("Less than one week of delay", "Moins d'une semaine de retard", "Minder dan een week vertraging"),
        ("One to two weeks of delay", "Une à deux semaines de retard", "Een tot twee weken vertraging"),
        ("Two to four weeks of delay", "Deux à quatre semaines de retard", "Twee tot vier weken vertraging"),
        ("One to three months of delay", "Un à trois mois de retard", "Een tot drie maanden vertraging"),
        (
            "More than three months, or a contractual milestone missed",
            "Plus de trois mois, ou un jalon contractuel manqué",
            "Meer dan drie maanden, of een contractuele mijlpaal gemist",
        ),
    ],
    "quality": [
        ("Cosmetic, not noticed by the customer", "Cosmétique, sans effet pour le client", "Cosmetisch, de klant merkt het niet"),
        ("Minor defect, fixed within tolerance", "Défaut mineur, corrigé dans la tolérance", "Klein gebrek, binnen de tolerantie opgelost"),
        ("A deliverable needs rework", "Un livrable doit être retravaillé", "Een oplevering moet herwerkt worden"),
        ("A key deliverable fails acceptance", "Un livrable clé échoue à la réception", "Een belangrijke oplevering wordt niet aanvaard"),
        ("The solution does not meet the contract", "La solution ne répond pas au contrat", "De oplossing voldoet niet aan het contract"),
    ],
    "safety": [
        ("No injury", "Aucune blessure", "Geen letsel"),
        ("First-aid case", "Premiers soins", "Eerste hulp"),
        ("Medical treatment, no lost time", "Soins médicaux, sans arrêt de travail", "Medische behandeling, geen werkverzuim"),
        ("Lost-time injury", "Accident avec arrêt de travail", "Ongeval met werkverzuim"),
        ("Permanent injury or fatality", "Invalidité permanente ou décès", "Blijvend letsel of overlijden"),
    ],
    "reputation": [
        ("Noticed internally only", "Remarqué uniquement en interne", "Alleen intern opgemerkt"),
        ("Noticed by the customer's team", "Remarqué par l'équipe du client", "Opgemerkt door het team van de klant"),
        ("Complaint to the customer's management", "Plainte auprès de la direction du client", "Klacht bij het management van de klant"),
        ("Escalation by the customer; contract at risk", "Escalade par le client ; contrat menacé", "Escalatie door de klant; contract in gevaar"),
        ("Public or press attention; customer lost", "Attention publique ou presse ; client perdu", "Publieke of persaandacht; klant verloren"),
    ],
}
BANDS = [
    ("low", 1, 4, "success", False, ("Low", "Faible", "Laag")),
    ("medium", 5, 9, "warning", False, ("Medium", "Moyen", "Gemiddeld")),
    ("high", 10, 19, "danger", True, ("High", "Élevé", "Hoog")),
    ("very_high", 20, 25, "dark", True, ("Very high", "Très élevé", "Zeer hoog")),
]
CATEGORIES = [
    ("commercial", ("Commercial and contractual", "Commercial et contractuel", "Commercieel en contractueel")),
    ("technical", ("Technical and design", "Technique et conception", "Technisch en ontwerp")),
    ("schedule", ("Schedule", "Planning", "Planning")),
    ("supplier", ("Suppliers and subcontractors", "Fournisseurs et sous-traitants", "Leveranciers en onderaannemers")),
    ("resources", ("People and resources", "Personnes et ressources", "Mensen en middelen")),
    ("customer", ("Customer and stakeholders", "Client et parties prenantes", "Klant en belanghebbenden")),
    ("financial", ("Financial", "Financier", "Financieel")),
    ("safety", ("Health and safety", "Santé et sécurité", "Gezondheid en veiligheid")),
    ("security", ("Information security", "Sécurité de l'information", "Informatiebeveiliging")),
    ("legal", ("Legal and regulatory", "Juridique et réglementaire", "Juridisch en regelgeving")),
]


def create_defaults(apps, schema_editor):
    RiskScaleLevel = apps.get_model("projects", "RiskScaleLevel")
    RiskBand = apps.get_model("projects", "RiskBand")
    RiskCategory = apps.get_model("projects", "RiskCategory")
    for scale, descriptors in DESCRIPTORS.items():
        names = LEVEL_NAMES["probability" if scale == "probability" else "impact"]
        for level, ((en, fr, nl), (d_en, d_fr, d_nl)) in enumerate(zip(names, descriptors, strict=True), 1):
            RiskScaleLevel.objects.get_or_create(
                scale=scale,
                level=level,
                defaults=dict(
                    name_en=en,
                    name_fr=fr,
                    name_nl=nl,
                    descriptor_en=d_en,
                    descriptor_fr=d_fr,
                    descriptor_nl=d_nl,
                    probability_percent=PROBABILITY_PERCENT[level - 1] if scale == "probability" else None,
                ),
            )
    for code, low, high, colour, is_high, (en, fr, nl) in BANDS:
        RiskBand.objects.get_or_create(
            code=code,
            defaults=dict(
                min_score=low, max_score=high, colour=colour, is_high=is_high, name_en=en, name_fr=fr, name_nl=nl
            ),
        )
    for code, (en, fr, nl) in CATEGORIES:
        RiskCategory.objects.get_or_create(code=code, defaults=dict(name_en=en, name_fr=fr, name_nl=nl))


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_registers")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
