"""Run the installed `dxbot` console script as a user would, in a scratch directory."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

DXBOT = shutil.which("dxbot", path=str(Path(sys.executable).parent)) or "dxbot"
# Every command of a test run shares one saved search index, built by the first, and never the user's own cache.
INDEX_DIR = Path(tempfile.mkdtemp(prefix="dxbot-test-index-"))
atexit.register(shutil.rmtree, INDEX_DIR, ignore_errors=True)


PERSONAL = ("SLACK_", "OPENAI_", "DXBOT_", "DATABASE_URL", "TEST_DATABASE_URL")


def clean_environment(**values: str) -> dict[str, str]:
    """This process's environment without any Slack, OpenAI, database or dxbot setting of the person running the
    tests: a command a test runs touches only what the test gives it."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(PERSONAL)}
    return {**environment, "DXBOT_INDEX_DIR": str(INDEX_DIR), **values}


def dxbot(*args: str, cwd: Path, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DXBOT, *args],
        cwd=cwd,
        env=clean_environment(**(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 30) -> bool:
    """True once a started `dxbot serve` answers GET /healthz; False if it exits or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False
