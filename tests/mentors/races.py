"""Two tabs, or two mentors, at the same moment: each call in its own thread and database
connection, all released together (PostgreSQL's row locks decide who goes first)."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection


def at_once(calls, *, done: str) -> list[str]:
    """Each call's outcome, sorted: `done` when it returned, "refused" when it raised a
    ValidationError, and any other error shown in the assertion, not lost in a thread."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append(done)
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # shown in the assertion, not lost in a thread
            outcomes.append(f"error: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)
