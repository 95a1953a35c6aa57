"""Builds the browser bundle from npm packages with esbuild (package.json's "build").

Used by `manage.py up` and by the browser tests, so both serve the same, current bundle.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings

BUNDLE = Path(settings.BASE_DIR) / "drafting" / "static" / "drafting" / "build" / "entente.js"
SOURCES = Path(settings.BASE_DIR) / "frontend" / "src"
PACKAGE_LOCK = Path(settings.BASE_DIR) / "package-lock.json"
NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"


class AssetBuildError(RuntimeError):
    pass


def _newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)


def bundle_is_current() -> bool:
    if not BUNDLE.exists():
        return False
    sources = [*SOURCES.rglob("*.js"), PACKAGE_LOCK]
    return BUNDLE.stat().st_mtime >= _newest(sources)


def assets_build(*, force: bool = False) -> bool:
    """Install the npm packages if needed and build the bundle if it is out of date.
    Returns whether a build ran."""
    if not force and bundle_is_current():
        return False
    npm = shutil.which("npm")
    if npm is None:
        raise AssetBuildError(
            "npm is not installed: install Node.js 20 and npm to build the browser bundle."
        )
    cwd = settings.BASE_DIR
    if not NODE_MODULES.exists() or NODE_MODULES.stat().st_mtime < _newest([PACKAGE_LOCK]):
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=cwd, check=True)
    subprocess.run([npm, "run", "build"], cwd=cwd, check=True)
    return True
