"""Models of the reporting app, one module per topic, re-exported here."""

from .connectors import *  # noqa: F403
from .reports import *  # noqa: F403
