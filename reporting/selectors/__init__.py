"""Reads of the reporting app, scoped to the user, one module per topic, re-exported here."""

from .dashboards import *  # noqa: F403
from .reports import *  # noqa: F403
