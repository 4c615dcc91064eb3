"""The table of figures and the Python load driver: formatting and counting, never
timing."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cmo_portal.bench.load import Request, _wrk_script, run_python
from cmo_portal.bench.report import BARE, FORTUNES, PageResult, percentile, ratio, table


def result(page: str, rps: float, **kwargs) -> PageResult:
    figures = dict(p50_ms=5, p95_ms=8, p99_ms=12, non_2xx=0, socket_errors=0)
    figures |= kwargs
    return PageResult(
        page=page, requests=int(rps * 10), seconds=10, bytes_per_request=2048, **figures
    )


def _row(text: str, page: str) -> list[str]:
    line = next(x for x in text.splitlines() if x.startswith(f"| {page} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_ratios_are_against_the_bare_and_the_one_query_pages():
    text = table(
        [
            result(BARE, 3000),
            result(FORTUNES, 1000),
            result("physician dashboard", 17, queries=22),
        ]
    )
    row = _row(text, "physician dashboard")
    assert row[1] == "17"
    assert row[6] == "22"
    assert row[-2] == "0.006x"
    assert row[-1] == "0.017x"
    assert _row(text, FORTUNES)[-2:] == ["0.33x", "1.00x"]
    assert _row(text, BARE)[-1] == "3.00x"


def test_without_the_references_the_ratio_cells_are_empty():
    row = _row(table([result("plan", 46)]), "plan")
    assert row[-2:] == ["", ""]


def test_errors_and_sizes_are_spelled_out():
    text = table([result("results", 23, non_2xx=3, socket_errors=2, p95_ms=930.4)])
    row = _row(text, "results")
    assert row[3] == "930 ms"
    assert row[5] == "3 non-2xx, 2 socket"
    assert row[7] == "2.0 KB"


def test_a_page_that_answered_nothing_in_time_says_so():
    silent = PageResult("plan", 0, 1.0, 0, 0, 0, non_2xx=0, socket_errors=0, bytes_per_request=0)
    row = _row(table([result(BARE, 3000), silent]), "plan")
    assert row[1:5] == ["0", "-", "-", "-"]
    assert row[5] == "none in time, 0"
    assert row[-2:] == ["", ""]


def test_ratio_digits():
    assert ratio(350, 1000) == "0.35x"
    assert ratio(17, 1000) == "0.017x"
    assert ratio(25_000, 1000) == "25x"
    assert ratio(5, None) == ""


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.5) == 50
    assert percentile([7.0], 0.99) == 7
    assert percentile([], 0.5) == 0


def test_the_wrk_script_carries_each_request_and_its_cookie():
    script = _wrk_script([Request("/a/", {"Cookie": 'sessionid="x"'}), Request("/b/")])
    assert '{path = "/a/", headers = {' in script
    assert '["Cookie"] = "sessionid=\\"x\\""' in script
    assert '["Accept-Encoding"] = "gzip"' in script
    assert '["X-Forwarded-Proto"] = "https"' in script
    assert 'path = "/b/"' in script


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"ok"
        self.send_response(200 if self.path == "/ok/" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_python_driver_counts_answers_and_errors():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        figures = run_python(
            "two pages",
            "127.0.0.1",
            server.server_address[1],
            [Request("/ok/"), Request("/missing/")],
            connections=2,
            seconds=0.3,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert figures.requests >= 2
    # Each user goes round both pages in turn: about half the answers are 404s.
    assert 0 < figures.non_2xx < figures.requests
    assert figures.socket_errors == 0
    assert figures.bytes_per_request > len(b"ok")
