# The same Belgian conventions as English: 31/12/2026 and 1.234,56.
from pmo.formats.en.formats import *  # noqa: F403
