"""gunicorn's settings for the web containers: gunicorn reads this file from its working
directory (/app in the image), whatever command starts it."""

import os
import shutil
from pathlib import Path


def on_starting(server: object) -> None:
    """With PROMETHEUS_MULTIPROC_DIR set, the workers write their request metrics into
    that folder; it starts empty, so a restart does not add an earlier run's counts."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True)
