"""The published status lists: ``GET /status/<slug>/<purpose>/<number>``, public and cacheable.

Served as ``application/vc``, the media type VC 2.0 registered for a
credential secured with an embedded proof (Bitstring Status List 1.0 §4;
``application/vc+ld+json`` was an earlier draft's name). Conditional requests
use the entity tag only: ``Last-Modified`` has one-second resolution, so
two revisions signed within one second would look the same to
``If-Modified-Since``; the tag cannot be fooled that way.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, request

from .db import close_session
from .status_publisher import PublishedList, StatusPublisher

bp = Blueprint("status", __name__)

MEDIA_TYPE = "application/vc"


@bp.record_once
def _make_publisher(state) -> None:
    """One publisher (and so one cache of signed lists) per app, built when the blueprint is registered."""
    app = state.app
    extensions = app.extensions
    extensions.setdefault("skillpass_status_publisher", StatusPublisher(
        extensions["skillpass_db"], extensions["skillpass_keyring"], extensions["skillpass_loader"],
        extensions["skillpass_profile"], app.config["PUBLIC_URL"]))


def get_publisher() -> StatusPublisher:
    return current_app.extensions["skillpass_status_publisher"]


@bp.get("/status/<slug>/<purpose>/<int:number>")
def status_list(slug: str, purpose: str, number: int) -> Response:
    """The signed BitstringStatusListCredential as it stands now (no sign-in)."""
    # The publisher reads in its own snapshot transaction. End the request's (auth opens one for a
    # signed-in browser): on SQLite it holds the write lock, and the publisher would wait for it.
    # This public page acts for no one.
    close_session()
    g.user = None
    try:
        published = get_publisher().current(slug, purpose, number)
    except LookupError:
        abort(503, description="This institution has no active signing key, so its status lists cannot be signed.")
    if published is None:
        abort(404)
    response = _cacheable(current_app.response_class(published.body, mimetype=MEDIA_TYPE), published)
    if request.if_none_match.contains_weak(published.etag):
        response.status_code = 304
    return response


def _cacheable(response: Response, published: PublishedList) -> Response:
    """Entity tag, date, and caching for as long as the list's ``ttl`` says, by anyone, from any origin."""
    response.set_etag(published.etag, weak=True)
    response.last_modified = published.signed_at
    # A signed-in browser's response may carry its refreshed session cookie: no shared cache may keep that one.
    shared = "Cookie" not in request.headers
    response.cache_control.public, response.cache_control.private = shared, not shared
    response.cache_control.max_age = int(published.ttl.total_seconds())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
