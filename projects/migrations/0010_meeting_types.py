"""The four meeting types of the design, with their default agenda in English, French and Dutch."""

from django.db import migrations

TYPES = [
    {
        "code": "kick-off",
        "default_duration_minutes": 120,
        "name_en": "Kick-off meeting",
        "name_fr": "Réunion de lancement",
        "name_nl": "Kick-offvergadering",
        "default_agenda_en": "Introductions and roles\nScope and deliverables\nPlanning and milestones\n"
        "Risks and assumptions\nCommunication and reporting\nNext steps",
        "default_agenda_fr": "Présentations et rôles\nPérimètre et livrables\nPlanning et jalons\n"
        "Risques et hypothèses\nCommunication et reporting\nProchaines étapes",
        "default_agenda_nl": "Voorstelling en rollen\nScope en op te leveren resultaten\nPlanning en mijlpalen\n"
        "Risico's en aannames\nCommunicatie en rapportering\nVolgende stappen",
    },
    {
        "code": "site-weekly",
        "default_duration_minutes": 60,
        "name_en": "Weekly site meeting",
        "name_fr": "Réunion de chantier hebdomadaire",
        "name_nl": "Wekelijkse werfvergadering",
        "default_agenda_en": "Safety on site\nProgress since last week\nPlanning of the coming weeks\n"
        "Open actions\nAny other business",
        "default_agenda_fr": "Sécurité sur le chantier\nAvancement depuis la semaine passée\n"
        "Planning des prochaines semaines\nActions ouvertes\nDivers",
        "default_agenda_nl": "Veiligheid op de werf\nVoortgang sinds vorige week\nPlanning van de komende weken\n"
        "Openstaande acties\nVaria",
    },
    {
        "code": "steering-committee",
        "default_duration_minutes": 90,
        "name_en": "Steering committee",
        "name_fr": "Comité de pilotage",
        "name_nl": "Stuurgroep",
        "default_agenda_en": "Approval of the previous minutes\nProgress, budget and forecast\nHigh risks and issues\n"
        "Change requests for decision\nDecisions\nAny other business",
        "default_agenda_fr": "Approbation du procès-verbal précédent\nAvancement, budget et prévisions\n"
        "Risques et problèmes majeurs\nDemandes de changement à décider\nDécisions\nDivers",
        "default_agenda_nl": "Goedkeuring van het vorige verslag\nVoortgang, budget en prognose\n"
        "Hoge risico's en issues\nWijzigingsverzoeken ter beslissing\nBeslissingen\nVaria",
    },
    {
        "code": "closure",
        "default_duration_minutes": 90,
        "name_en": "Closure meeting",
        "name_fr": "Réunion de clôture",
        "name_nl": "Afsluitvergadering",
        "default_agenda_en": "Acceptance of the deliverables\nOpen points and reservations\nHand-over to support\n"
        "Lessons learned\nFinancial closure",
        "default_agenda_fr": "Réception des livrables\nPoints ouverts et réserves\nTransfert au support\n"
        "Leçons apprises\nClôture financière",
        "default_agenda_nl": "Aanvaarding van de resultaten\nOpen punten en voorbehouden\nOverdracht aan support\n"
        "Geleerde lessen\nFinanciële afsluiting",
    },
]


def install(apps, schema_editor):
    MeetingType = apps.get_model("projects", "MeetingType")
    for values in TYPES:
        MeetingType.objects.update_or_create(code=values["code"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_meetings")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
