"""Run the installed `dxbot` console script as a user would, in a scratch directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DXBOT = shutil.which("dxbot", path=str(Path(sys.executable).parent)) or "dxbot"


def dxbot(*args: str, cwd: Path, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "DXBOT_"))}
    environment.update(env or {})
    return subprocess.run(
        [DXBOT, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )
