"""The load: wrk (Debian's `wrk`) when it is installed, else a small Python driver of
threads and http.client, which the command says it fell back to. Both keep one
connection open per simulated user, send the same headers (gzip accepted, the TLS
proxy's X-Forwarded-Proto, the persona's session cookie) and go round the given
requests in turn, so one page or every page (the soak) is the same code."""

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .report import PageResult, percentile

BASE_HEADERS = {"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str] = field(default_factory=dict)

    def all_headers(self) -> dict[str, str]:
        return {**BASE_HEADERS, **self.headers}


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrk_script(requests: list[Request]) -> str:
    entries = []
    for r in requests:
        headers = ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in r.all_headers().items())
        entries.append(f"  {{path = {_lua(r.path)}, headers = {{{headers}}}}},")
    return (
        "local pages = {\n" + "\n".join(entries) + "\n}\n"
        """local threads = {}
function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
  counter = offset
end
function request()
  counter = counter + 1
  local page = pages[(counter % #pages) + 1]
  local headers = {}
  for k, v in pairs(page.headers) do headers[k] = v end
  return wrk.format("GET", page.path, headers)
end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, '
    .. '"socket": %d, "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration, summary.bytes, bad,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
    )


def run_wrk(
    name: str, base_url: str, requests: list[Request], connections: int, seconds: float
) -> PageResult:
    threads = max(1, min(connections, 2))
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "bench.lua"
        script.write_text(_wrk_script(requests))
        completed = subprocess.run(  # noqa: S603 - our own arguments
            [
                wrk_path() or "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                base_url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    count = figures["requests"]
    return PageResult(
        page=name,
        requests=count,
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50"] / 1000,
        p95_ms=figures["p95"] / 1000,
        p99_ms=figures["p99"] / 1000,
        non_2xx=figures["non2xx"],
        socket_errors=figures["socket"],
        bytes_per_request=figures["bytes"] / count if count else 0.0,
    )


class _User(threading.Thread):
    """One simulated user of the Python driver: one connection, requests in turn."""

    def __init__(self, host: str, port: int, requests: list[Request], offset: int, until: float):
        super().__init__(daemon=True)
        self.host, self.port, self.requests = host, port, requests
        self.offset, self.until = offset, until
        self.latencies: list[float] = []
        self.non_2xx = self.socket_errors = self.bytes = 0

    def run(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        turn = self.offset
        while time.monotonic() < self.until:
            request = self.requests[turn % len(self.requests)]
            turn += 1
            started = time.perf_counter()
            try:
                connection.request("GET", request.path, headers=request.all_headers())
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                self.socket_errors += 1
                connection.close()
                connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                continue
            self.latencies.append((time.perf_counter() - started) * 1000)
            if not 200 <= response.status <= 299:
                self.non_2xx += 1
            headers = sum(len(k) + len(v) + 4 for k, v in response.getheaders())
            self.bytes += len(body) + headers + len("HTTP/1.1 200 OK\r\n\r\n")
        connection.close()


def run_python(
    name: str, host: str, port: int, requests: list[Request], connections: int, seconds: float
) -> PageResult:
    started = time.monotonic()
    users = [
        _User(host, port, requests, offset=i, until=started + seconds) for i in range(connections)
    ]
    for user in users:
        user.start()
    for user in users:
        user.join()
    elapsed = time.monotonic() - started
    latencies = sorted(value for user in users for value in user.latencies)
    count = len(latencies)
    return PageResult(
        page=name,
        requests=count,
        seconds=elapsed,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        non_2xx=sum(user.non_2xx for user in users),
        socket_errors=sum(user.socket_errors for user in users),
        bytes_per_request=sum(user.bytes for user in users) / count if count else 0.0,
    )


def drive(
    name: str,
    port: int,
    requests: list[Request],
    *,
    connections: int,
    seconds: float,
    tool: str,
) -> PageResult:
    """Load the server on 127.0.0.1:`port` with `requests` in turn; `tool` is "wrk" or
    "python"."""
    if tool == "wrk":
        return run_wrk(name, f"http://127.0.0.1:{port}", requests, connections, seconds)
    return run_python(name, "127.0.0.1", port, requests, connections, seconds)
