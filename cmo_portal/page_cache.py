"""Pages served from the cache until what they show changes.

A cached page is stored compressed (gzip) under a key made of everything it depends on:
- versions: a random token per *topic* ("curriculum", "mentors", "site") and per
  *person* whose data the page shows, all read in one cache round trip. Changing what a
  page shows sets a new token, so the old entries are never read again (they expire);
- the address with its query string, today (what is due, open or overdue), the reader's
  time zone (a HEAD is answered from the GET's entry), and, for a signed-in reader, who they are and their CSRF secret (the forms
  on the page carry a token made from it).

Who sets new tokens (`pages_changed_for`, `topic_changed`):
- every POST (any non-safe method) of a signed-in person: their own pages
  (`pages_changed_by_writes`, a middleware), whatever the view wrote;
- saving or deleting a row whose owners an app declared with `watch` (its AppConfig),
  e.g. a mentor's comment on a physician's plan: the plan's owner;
- the services that write in bulk (UPDATE, bulk_create), and the background tasks, name
  the people they changed themselves.
A token is set at once and again after the transaction commits, so a page rendered from
the data before the commit cannot be stored under the new token.

A visitor's page reads the topics' versions through this process's copy for up to a
second (VISITOR_VERSIONS_SECONDS): an editor's save reaches visitors served by other
workers within it. A signed-in reader's versions are read every time.

A reader with a message waiting (after a redirect), or without a CSRF cookie yet, gets
the page rendered, and so does one whose session the page changed (a draft it took back
into its form): such a page is not stored. PAGE_CACHE = False turns the cache off (the
query-budget tests measure the rendering with it off)."""

import gzip
import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from cmo_portal import clock

# A stored page is kept this long at most; a change drops it at once.
PAGE_SECONDS = 15 * 60
SITE = "site"  # every cached page depends on it: loaders of whole data sets set it


def _topic_key(topic: str) -> str:
    return f"{topic}:version"


def _person_key(user_id: int) -> str:
    return f"person-pages:{user_id}:version"


def _versions(keys: list[str]) -> list[str]:
    """The token under each key, in order, one round trip; a missing one is made."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, uuid.uuid4().hex, timeout=None)
    if missing:
        found |= cache.get_many(missing)
    return [str(found.get(key, "")) for key in keys]


# Visitors' pages read the topics' versions through this process's copy, at most this old:
# a change made through another process reaches them within it, one made here at once.
VISITOR_VERSIONS_SECONDS = 1.0
_visitor_versions: dict[str, tuple[float, str]] = {}


def _versions_for_visitors(keys: list[str]) -> list[str]:
    now = time.monotonic()
    known = [_visitor_versions.get(key) for key in keys]
    if all(k is not None and now - k[0] < VISITOR_VERSIONS_SECONDS for k in known):
        return [k[1] for k in known if k is not None]
    fresh = _versions(keys)
    _visitor_versions.update({key: (now, token) for key, token in zip(keys, fresh, strict=True)})
    return fresh


def local_copies_drop() -> None:
    """Forget this process's copies of pages and versions (after the shared cache was
    emptied: the tests do it between tests)."""
    _visitor_versions.clear()
    _others_known.clear()
    _recent.clear()


def topic_version(topic: str) -> str:
    return _versions([_topic_key(topic)])[0]


def _new_tokens(keys: list[str]) -> None:
    def set_new() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
        for key in keys:
            _visitor_versions.pop(key, None)

    set_new()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(set_new)


def topic_changed(*topics: str) -> None:
    """Every page that depends on these topics is rendered afresh from now on."""
    _new_tokens([_topic_key(topic) for topic in topics])


def pages_changed_for(user_ids: Iterable[int | None]) -> None:
    """The pages that show these people's data are rendered afresh from now on."""
    keys = sorted({_person_key(pk) for pk in user_ids if pk is not None})
    if keys:
        _new_tokens(keys)


def _message_waiting(request: HttpRequest) -> bool:
    return "messages" in request.COOKIES or bool(
        getattr(request, "session", None) and request.session.get("_messages")
    )


def _session_changed(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.modified)


def _served(request: HttpRequest, content_type: str, compressed: bytes) -> HttpResponse:
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type=content_type)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


class _Recent:
    """The pages this process served last, by key. A key holds every version its page
    depends on, so what is under it never changes: a copy here is as good as the shared
    cache's, and saves the round trip and the unpickling. Kept PAGE_SECONDS at most, as
    there."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pages: OrderedDict[str, tuple[float, tuple[str, bytes]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[str, bytes] | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > PAGE_SECONDS:
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return found[1]

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()

    def put(self, key: str, page: tuple[str, bytes]) -> None:
        with self.lock:
            self.pages[key] = (time.monotonic(), page)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


_recent = _Recent(size=256)


def _cached(
    request: HttpRequest,
    parts: list[str],
    render: Callable[[], HttpResponse],
    storable: Callable[[], bool] | None = None,
):
    secret = request.META.get("CSRF_COOKIE")
    key = "page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    hit = _recent.get(key)
    if hit is None:
        hit = cache.get(key)
        if hit is not None:
            _recent.put(key, hit)
    if hit is not None:
        return _served(request, *hit)
    response = render()
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or request.META.get("CSRF_COOKIE") != secret  # a new one: the forms carry it
        or _message_waiting(request)
        or _session_changed(request)  # e.g. a kept draft taken into the form
        or (storable is not None and not storable())
    ):
        return response
    stored = (response["Content-Type"], gzip.compress(response.content, compresslevel=6))
    cache.set(key, stored, PAGE_SECONDS)
    _recent.put(key, stored)
    return _served(request, *stored)


def _common_parts(request: HttpRequest) -> list[str]:
    return [
        clock.today().isoformat(),
        timezone.get_current_timezone_name(),
        request.get_full_path(),
    ]


def _usable(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE and request.method in ("GET", "HEAD") and not _message_waiting(request)
    )


def cached_for_visitors(*topics: str) -> Callable:
    """Serve a public page to visitors (not signed in) from the cache, under the
    versions of `topics`. Signed-in people get it rendered (their navigation differs)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _usable(request) or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            keys = [_topic_key(t) for t in (SITE, *topics)]
            parts = ["visitor", *_versions_for_visitors(keys), *_common_parts(request)]
            return _cached(request, parts, lambda: view(request, *args, **kwargs))

        return cached

    return decorator


# Who else's data a personal page shows, besides its reader's (a mentor's dashboard: the
# mentees): their ids. It may depend only on rows whose change gives the reader a new
# version (watch), because it is kept under the reader's version (_others_known).
People = Callable[..., Iterable[int]]
_others_known: dict[tuple[str, int, str], tuple[int, ...]] = {}
_OTHERS_KEPT = 10_000


def _reader_only(request: HttpRequest, *args, **kwargs) -> list[int]:
    return []


def page_is_readers_own(request: HttpRequest) -> None:
    """Say, from a view cached with `owner_only`, that the page shows only its reader's
    own data (their plan, not a mentee's), so it may be stored."""
    request.page_is_readers_own = True  # type: ignore[attr-defined]


def cached_for_reader(
    *topics: str, others: People = _reader_only, owner_only: bool = False
) -> Callable:
    """Serve a signed-in person's page from the cache, under the versions of `topics`,
    of the reader and of the people `others` names. A visitor gets the view itself (its
    login redirect). With `owner_only` the page is stored only when the view said it is
    the reader's own (page_is_readers_own): a mentor's or support's look at someone
    else's is never stored, so it is checked, and logged, every time; as what is whose
    never changes hands, a stored page needs no check before it is served."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def cached(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            secret = request.META.get("CSRF_COOKIE")
            if not _usable(request) or not request.user.is_authenticated or not secret:
                return view(request, *args, **kwargs)
            reader = request.user.pk
            keys = [_topic_key(t) for t in (SITE, *topics)] + [_person_key(reader)]
            tokens = _versions(keys)
            people: tuple[int, ...] = ()
            if others is not _reader_only:
                known = (view.__qualname__, reader, tokens[-1])
                if known not in _others_known:
                    if len(_others_known) >= _OTHERS_KEPT:
                        _others_known.clear()
                    found = set(others(request, *args, **kwargs)) - {reader}
                    _others_known[known] = tuple(sorted(found))
                people = _others_known[known]
                tokens += _versions([_person_key(i) for i in people]) if people else []
            parts = [
                "reader",
                ",".join(map(str, (reader, *people))),
                hashlib.sha256(str(secret).encode()).hexdigest(),
                *tokens,
                *_common_parts(request),
            ]
            return _cached(
                request,
                parts,
                lambda: view(request, *args, **kwargs),
                storable=(lambda: getattr(request, "page_is_readers_own", False))
                if owner_only
                else None,
            )

        return cached

    return decorator


def pages_changed_by_writes(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """After a signed-in person's POST (or any method that is not safe), their pages are
    rendered afresh, whatever the view wrote and however it wrote it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                pages_changed_for([user.pk])
        return response

    return middleware


def _owners(instance: models.Model, path: str) -> int | None:
    """The user id at `path` ("owner_id", "plan__owner_id") from `instance`, following
    relations already loaded, else in one query."""
    *hops, last = path.split("__")
    obj: models.Model | None = instance
    for hop in hops:
        if obj is None:
            return None
        if hop not in obj._state.fields_cache:  # not loaded: ask the database
            return (
                type(instance)
                ._base_manager.filter(pk=instance.pk)
                .values_list(path, flat=True)
                .first()
            )
        obj = getattr(obj, hop)
    return None if obj is None else getattr(obj, last)


def watch(model: type[models.Model], *owners: str, topics: tuple[str, ...] = ()) -> None:
    """Saving or deleting a `model` row changes the pages of the people at the `owners`
    paths (e.g. "plan__owner_id") and every page of `topics`; so does changing its
    many-to-many fields."""

    def changed(instance: models.Model) -> None:
        pages_changed_for([_owners(instance, path) for path in owners])
        if topics:
            topic_changed(*topics)

    def saved(sender, instance, raw=False, **kwargs) -> None:
        if not raw:  # fixtures: the loader says what it changed
            changed(instance)

    def deleting(sender, instance, **kwargs) -> None:
        changed(instance)

    def related(sender, instance, action, reverse=False, **kwargs) -> None:
        if action.startswith("post_") and isinstance(instance, model):
            changed(instance)

    uid = f"page_cache:{model._meta.label}"
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=uid)
    pre_delete.connect(deleting, sender=model, weak=False, dispatch_uid=uid)
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        m2m_changed.connect(related, sender=through, weak=False, dispatch_uid=f"{uid}:{field.name}")
