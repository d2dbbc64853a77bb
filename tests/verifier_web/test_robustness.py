"""Odd shapes, signed or not, never break the page or the API: every value of the profile example is
replaced in turn by values of other JSON types, the result signed where it still can be."""

from __future__ import annotations

import copy
import json

from dataintegrity.errors import VCError

from .conftest import Page
from .documents import XSS, nev_credential, sign

ODD_VALUES = (None, 7, "x", [], {}, [7], {"@value": XSS}, [{"@value": 7, "@language": "en"}])


def paths(value, prefix=()):
    """Every path into ``value`` (object keys and list indexes), skipping the @context."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "@context":
                yield prefix + (key,)
                yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield prefix + (index,)
            yield from paths(item, prefix + (index,))


def replaced(document, path, value):
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def variants():
    base = nev_credential(signed=False)
    for number, path in enumerate(paths(base)):
        if path[0] == "credentialSubject" and path[1:2] == ("achievement",) or number % 3 == 0:
            for value in ODD_VALUES:
                yield replaced(base, path, value)


def signed_if_possible(document):
    try:
        return sign(document)
    except (VCError, TypeError, ValueError, KeyError):
        return document


def test_odd_shapes_get_a_page_and_an_api_answer(client):
    token = Page(client).token()
    targets = ("framework:mqf", "profile:poli-automotif-selangor", "framework:znqf")
    pages = 0
    for number, document in enumerate(variants()):
        document = signed_if_possible(document)
        api = client.post("/credentials/verify", json={"verifiableCredential": document})
        assert api.status_code in (200, 400), document
        if api.status_code == 200 or number % 4 == 0:  # every one that verifies: recognition and standing run
            data = {"csrf_token": token, "document": json.dumps(document), "target": targets[number % 3]}
            response = client.post("/verify", data=data)
            assert response.status_code == 200, document
            pages += 1
    assert pages > 250
