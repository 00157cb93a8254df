"""`python -m tests.reporting.slow_worker -A pmo worker ...`: a Celery worker whose PDF render pauses.

The recovery test must kill a worker while it renders; a real render takes a second or two, so the
render waits SLOW_RENDER_SECONDS after the claim (the row is `rendering` meanwhile, heartbeat running).
Everything else is the real worker.
"""

import os
import time

from celery.signals import task_prerun


@task_prerun.connect
def slow_down_the_render(**kwargs) -> None:
    import reporting.rendering

    if getattr(reporting.rendering.highlight_report_pdf, "slowed", False):
        return
    original = reporting.rendering.highlight_report_pdf

    def slow_pdf(**render_kwargs):
        time.sleep(float(os.environ.get("SLOW_RENDER_SECONDS", "5")))
        return original(**render_kwargs)

    slow_pdf.slowed = True
    reporting.rendering.highlight_report_pdf = slow_pdf


if __name__ == "__main__":
    from celery.__main__ import main

    main()
