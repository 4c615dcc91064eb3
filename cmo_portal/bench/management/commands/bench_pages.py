"""Benchmark the site's main pages under load (issue 16). Not a test: it prints figures.

    DJANGO_SETTINGS_MODULE=cmo_portal.settings.bench \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmo_bench python manage.py bench_pages

Seeds the data set into DATABASE_URL's database when it is not there yet (refusing the
development SQLite file and any database with other people in it), starts gunicorn with
the benchmark's settings (production's) on a free port, signs the personas in, drives
each page with wrk (or a Python driver when wrk is missing) and prints one markdown
table. --soak MINUTES drives every page at once instead and reports the workers' memory.
`make bench` runs it with these settings."""

import logging
import os
import platform
import statistics
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cmo_portal import clock
from cmo_portal.bench import load
from cmo_portal.bench.bulk import Sizes
from cmo_portal.bench.pages import (
    PageBroken,
    bench_pages,
    load_request,
    queries_per_request,
    session_cookies,
)
from cmo_portal.bench.report import BARE, FORTUNES, PageResult, table
from cmo_portal.bench.seeding import ISSUE_SIZE, SMALL_SIZE, SeedRefused, database_refusal, seed
from cmo_portal.bench.server import Gunicorn, free_port


class Command(BaseCommand):
    help = "Seed the benchmark's data set, serve it with gunicorn and measure the main pages."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=("issue", "small"), default="issue")
        parser.add_argument("--physicians", type=int, help="default: the size's")
        parser.add_argument("--mentors", type=int, help="default: the size's")
        parser.add_argument("--items", type=int, help="plan goals and actions together")
        parser.add_argument("--seed-only", action="store_true")
        parser.add_argument("--workers", type=int, default=2, help="sync gunicorn workers")
        parser.add_argument("--connections", type=int, default=20)
        parser.add_argument("--duration", type=float, default=10, help="seconds per page")
        parser.add_argument("--warmup", type=float, default=2, help="seconds per page, unmeasured")
        parser.add_argument("--only", default="", help="pages whose name has this text")
        parser.add_argument("--soak", type=float, metavar="MINUTES", help="soak every page")
        parser.add_argument(
            "--no-page-cache",
            action="store_true",
            help="every page rendered (PAGE_CACHE off): the cost of a page after a change",
        )
        parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")

    def handle(self, *args, **options) -> None:
        # The personas' journeys log every task they run; the figures are what matters.
        logging.getLogger("celery").setLevel(logging.WARNING)
        refusal = database_refusal()
        if refusal:
            raise CommandError(refusal)
        if connection.vendor != "postgresql":
            self.stderr.write(
                f"Warning: the database is {connection.vendor}; the figures are meant for "
                "PostgreSQL."
            )
        call_command("migrate", interactive=False, verbosity=0)
        preset = ISSUE_SIZE if options["size"] == "issue" else SMALL_SIZE
        sizes = Sizes(
            physicians=options["physicians"] or preset.physicians,
            mentors=options["mentors"] or preset.mentors,
            items=options["items"] if options["items"] is not None else preset.items,
        )
        started = time.monotonic()
        try:
            seeded, counts = seed(sizes)
        except SeedRefused as refused:
            raise CommandError(str(refused)) from refused
        state = f"seeded in {time.monotonic() - started:.0f} s" if seeded else "already seeded"
        self.stdout.write(
            f"Database {connection.settings_dict['NAME']}: {state}: "
            + ", ".join(f"{n:,} {what}" for what, n in counts.items())
        )
        if options["seed_only"]:
            return
        self._run(options)

    def _tool(self, wanted: str) -> str:
        if wanted == "python" or (wanted == "auto" and not load.wrk_path()):
            if wanted == "auto":
                self.stdout.write(
                    "wrk is not installed (apt-get install -y wrk): using the Python load "
                    "driver, whose own overhead caps the rates it can measure."
                )
            return "python"
        if not load.wrk_path():
            raise CommandError("wrk is not installed: apt-get install -y wrk, or --tool python.")
        return "wrk"

    def _run(self, options) -> None:
        if options["no_page_cache"]:
            os.environ["PAGE_CACHE"] = "false"  # the gunicorn workers inherit it
        call_command("collectstatic", interactive=False, verbosity=0)
        cache.clear()
        pages = [p for p in bench_pages() if options["only"].lower() in p.name.lower()]
        cookies = session_cookies({p.viewer for p in pages if p.viewer})
        try:
            queries = {p.name: queries_per_request(p, cookies) for p in pages}
        except PageBroken as broken:
            raise CommandError(str(broken)) from broken
        cache.clear()  # the load starts from nothing cached, as after a deploy
        tool = self._tool(options["tool"])
        workers, connections = options["workers"], options["connections"]
        load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        self.stdout.write(
            f"{clock.now():%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs ({platform.machine()}), "
            f"load average {load_avg}; gunicorn {workers} sync workers, {tool} at "
            f"{connections} connections; pages "
            + ("rendered every time (no page cache)" if options["no_page_cache"] else "cached")
        )
        log = Path(settings.DATA_DIR) / "bench" / "gunicorn.log"
        with Gunicorn(port=free_port(), workers=workers, log=log) as server:
            if options["soak"]:
                self._soak(server, pages, cookies, tool, options)
                return
            results = []
            for page in pages:
                request = [load_request(page, cookies)]
                if options["warmup"] > 0:
                    load.drive(
                        page.name,
                        server.port,
                        request,
                        connections=connections,
                        seconds=options["warmup"],
                        tool=tool,
                    )
                result = load.drive(
                    page.name,
                    server.port,
                    request,
                    connections=connections,
                    seconds=options["duration"],
                    tool=tool,
                )
                results.append(_with_queries(result, queries[page.name]))
                self.stdout.write(f"  {page.name}: {result.rps:,.0f} requests/s", ending="\n")
        self.stdout.write("")
        self.stdout.write(table(results))

    def _soak(self, server: Gunicorn, pages, cookies, tool: str, options) -> None:
        site_pages = [p for p in pages if p.name not in (BARE, FORTUNES)]
        requests = [load_request(p, cookies) for p in site_pages]
        users = options["connections"]
        load.drive("warm-up", server.port, requests, connections=users, seconds=10, tool=tool)
        samples = [(0.0, server.worker_rss_kb())]
        done = threading.Event()
        begun = time.monotonic()

        def sample() -> None:
            while not done.wait(30):
                samples.append((time.monotonic() - begun, server.worker_rss_kb()))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        minutes = options["soak"]
        self.stdout.write(
            f"Soak: {users} users over {len(site_pages)} pages for {minutes:g} minutes"
        )
        result = load.drive(
            "soak", server.port, requests, connections=users, seconds=minutes * 60, tool=tool
        )
        done.set()
        sampler.join()
        samples.append((time.monotonic() - begun, server.worker_rss_kb()))
        self.stdout.write(
            f"  {result.requests:,} requests in {result.seconds:.0f} s ({result.rps:,.1f}/s), "
            f"errors: {result.non_2xx} non-2xx, {result.socket_errors} socket; "
            f"p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, p99 {result.p99_ms:.0f} ms"
        )
        for at, sizes in (samples[0], samples[-1]):
            each = ", ".join(f"{kb / 1024:.1f}" for kb in sizes.values())
            self.stdout.write(f"  workers' RSS at {at:.0f} s: {each} MB")
        totals = [sum(sizes.values()) / 1024 for _, sizes in samples if sizes]
        if totals:
            self.stdout.write(
                f"  all workers, {len(totals)} samples: min {min(totals):.1f} MB, "
                f"median {statistics.median(totals):.1f} MB, max {max(totals):.1f} MB"
            )


def _with_queries(result: PageResult, queries: int) -> PageResult:
    return PageResult(**{**result.__dict__, "queries": queries})
