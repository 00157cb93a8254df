"""Changes of state in the reporting app, one module per topic, re-exported here."""

from .reports import *  # noqa: F403
from .time_entry_mapping import *  # noqa: F403
