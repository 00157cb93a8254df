"""Screenshots kept for the people who look at a journey afterwards; they are not what a test asserts."""

import time
import warnings
from pathlib import Path


def save_screenshot(page, path: str | Path, *, full_page: bool = True) -> None:
    """Write a screenshot of `page`; a renderer too busy to capture one is retried, then only warned about.

    Chromium answers "Unable to capture screenshot" when its compositor misses a frame, which happens on a
    loaded two-core machine; the journey under test has already passed its assertions by then, so a missing
    picture must not turn it red.
    """
    from playwright.sync_api import Error

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(3):
        try:
            page.screenshot(path=str(path), full_page=full_page)
            return
        except Error as error:
            if "screenshot" not in str(error).lower():
                raise
            time.sleep(0.5 * (attempt + 1))
    warnings.warn(f"no screenshot written to {path}: the renderer could not capture one", stacklevel=2)


def screenshot_dir(name: str) -> Path:
    """Where a test keeps its screenshots: $SCREENSHOTS/<name> (default under /tmp), made when written."""
    import os

    return Path(os.environ.get("SCREENSHOTS", "/tmp/pmo-screenshots")) / name
