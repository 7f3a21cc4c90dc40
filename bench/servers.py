"""The apps under test, each a gunicorn subprocess of the same shape, and the loopback fakes they call.

dxbot runs as deployed, `dxbot serve` (gunicorn: WEB_CONCURRENCY workers × WEB_THREADS=8 gthread threads,
timeout 60, access log to stdout; its workers also start whatever background work bot/server.py starts).
The anchors run under gunicorn's own command line with those options. Every server, request and fake is on
127.0.0.1.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bench import anchors
from bench.load import Fired, Plan, ResponseUrls, fire
from tests.cli_helpers import DXBOT, dxbot, free_port, wait_until_healthy
from tests.fakes.openai import FakeOpenAI, start_fake_openai
from tests.fakes.slack import FakeSlack, start_fake_slack

ROOT = Path(__file__).resolve().parent.parent
ANCHORS = {"bare": "bench.anchors:bare()", "same-work": "bench.anchors:same_work()"}
THREADS = 8
ANCHOR_SHAPE = ["--worker-class", "gthread", "--threads", str(THREADS), "--timeout", "60", "--access-logfile", "-"]
START_TIMEOUT = 60.0
# Settings a developer's shell may carry that would change what is measured.
FOREIGN_ENV = ("SLACK_", "OPENAI_", "DXBOT_", "DATABASE_URL", "WEB_", "PORT", "GUNICORN_CMD_ARGS")


@dataclass
class Stage:
    """Everything the apps talk to, on loopback: the fake Slack Web API, delayed response_urls and (for
    model answers) the fake OpenAI; plus a scratch directory and a signing secret for this run."""

    workdir: Path
    secret: str
    slack: FakeSlack
    responses: ResponseUrls
    openai: FakeOpenAI | None

    def fire(self, served: Served, plans: list[Plan], time_limit: float = 120.0) -> Fired:
        self.responses.reset()
        return fire(served.url, self.secret, self.responses, plans, time_limit)


@dataclass
class Served:
    name: str
    url: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        """gunicorn's workers: the master's child processes."""
        return children(self.process.pid)


@contextmanager
def stage(with_model: bool = False) -> Iterator[Stage]:
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="dxbot-bench-")))
        slack = start_fake_slack()
        cleanup.callback(_shut, slack.server)
        responses = ResponseUrls()
        cleanup.callback(responses.close)
        openai = None
        if with_model:
            openai = start_fake_openai()
            openai.server.socket.listen(128)  # as ResponseUrls: no 1 s SYN retries under a burst
            cleanup.callback(_shut, openai.server)
        yield Stage(workdir, secrets.token_hex(16), slack, responses, openai)


@contextmanager
def serve(on: Stage, app: str, workers: int = 2, extra_env: dict[str, str] | None = None) -> Iterator[Served]:
    """Start `app` ("bare", "same-work" or "dxbot") under gunicorn; stop it, workers and all, on the way out."""
    env = _environment(on, app, workers) | (extra_env or {})
    port = free_port()
    log = on.workdir / f"{app}-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            _command(app, port, workers),
            cwd=on.workdir,  # not the checkout: dxbot would read a developer's .env there
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it reaches every worker
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process, log)
        yield Served(app, url, process)
    finally:
        _stop(process)


def _command(app: str, port: int, workers: int) -> list[str]:
    if app == "dxbot":
        return [
            DXBOT,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]  # workers and threads: WEB_CONCURRENCY, WEB_THREADS
    gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    return [*gunicorn, "--pythonpath", str(ROOT), *ANCHOR_SHAPE, ANCHORS[app]]


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, …
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def memory_mb(pid: int, kind: str = "VmRSS") -> float:
    """A process's resident memory now (VmRSS) or at its peak (VmHWM), from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(kind + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {kind} for process {pid}")


def clean_environment(**values: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV)}
    return kept | values


def dxbot_environment(on: Stage, workers: int = 1) -> dict[str, str]:
    values = {
        "DATABASE_URL": f"sqlite:///{on.workdir / 'dxbot.sqlite3'}",
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": on.secret,
        "SLACK_API_URL": on.slack.api_url,
        "WEB_CONCURRENCY": str(workers),
        "WEB_THREADS": str(THREADS),
        "DXBOT_INDEX_DIR": str(on.workdir / "index"),
    }
    if on.openai is not None:
        values |= {"OPENAI_API_KEY": "sk-bench-fake", "OPENAI_BASE_URL": on.openai.base_url}
    return clean_environment(**values)


def prepare_dxbot(on: Stage) -> None:
    """Migrate dxbot's database and add a municipality, as a deployment would before serving (idempotent)."""
    env = dxbot_environment(on)
    _checked(dxbot("db", "upgrade", cwd=on.workdir, env=env))
    if "横須賀市" not in _checked(dxbot("municipalities", "list", cwd=on.workdir, env=env)).stdout:
        _checked(dxbot("municipalities", "add", "横須賀市", cwd=on.workdir, env=env))


def _environment(on: Stage, app: str, workers: int) -> dict[str, str]:
    if app == "dxbot":
        prepare_dxbot(on)
        return dxbot_environment(on, workers)
    env = clean_environment(
        SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=on.secret, SLACK_API_URL=on.slack.api_url
    )
    if app == "same-work":
        env["DATABASE_URL"] = f"sqlite:///{on.workdir / 'same_work.sqlite3'}"
        anchors.create_schema(env["DATABASE_URL"])  # here, once: two workers creating it at once would race
    return env


def _checked(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(result.args)} failed: {result.stderr[-2000:]}")
    return result


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    if wait_until_healthy(url, process, START_TIMEOUT):
        return
    raise RuntimeError(f"{url} did not answer /healthz within {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    """SIGINT (gunicorn's quick shutdown) to the group we started, then SIGKILL to whatever is left of it."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a hung master, or workers that outlived it
    process.wait(timeout=5)


def _shut(server) -> None:
    server.shutdown()
    server.server_close()
