"""The server under load: gunicorn with the benchmark's settings on a free local port,
its sync workers' memory read from /proc, and stopped when the run ends."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SETTINGS = "cmo_portal.settings.bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self, *, port: int, workers: int, log: Path):
        self.port, self.workers, self.log = port, workers, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        # The workers inherit this process's environment, its secret key among it, so
        # the sessions made here are valid in them.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own arguments
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "cmo_portal.wsgi:application",
                    f"--bind=127.0.0.1:{self.port}",
                    f"--workers={self.workers}",
                    "--worker-class=sync",
                    "--timeout=60",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        url = f"http://127.0.0.1:{self.port}/bench/plain/"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start: see {self.log}")
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"}),
                    timeout=5,
                ):
                    pass
                if len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s: see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_pids(self) -> list[int]:
        """The master's children, its workers."""
        if self.process is None:
            return []
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(pid) for pid in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
        return pids

    def worker_rss_kb(self) -> dict[int, int]:
        """Each worker's resident memory in KB (VmRSS of /proc/<pid>/status)."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1])
        return sizes
