"""Strings other packages show on our pages but whose Dutch catalog lacks them.

Listed here so that `makemessages` keeps them in our catalogs (which take precedence over the packages'
own); nothing imports this module. Check with tests/pmo/test_catalog_completeness.py.
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = [
    # Django: the empty choice of every select built from model choices (django/db/models/fields).
    gettext_noop("- Select an option -"),
    gettext_noop("No %s matches the given query."),
    # django-simple-history: the kind of a history record, shown in the history panel.
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
]
