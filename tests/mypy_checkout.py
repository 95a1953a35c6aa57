"""A mypy plugin that only puts the checkout on the import path, so that django-stubs (the
next plugin) can import tests.settings when mypy runs as a plain `mypy`."""

import sys
from pathlib import Path

from mypy.plugin import Plugin

# Second, not first: mypy put this plugin's own folder first and takes it off again after
# loading the plugin. Ahead of site-packages all the same, where a dependency installs a
# top-level `tests` package of its own.
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))


def plugin(version: str) -> type[Plugin]:
    return Plugin
