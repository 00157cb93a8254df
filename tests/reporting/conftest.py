import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Rendered PDFs go to a temporary MEDIA_ROOT (the worker fixture passes it on)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT
