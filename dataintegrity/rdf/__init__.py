"""JSON-LD to RDF and RDF Dataset Canonicalization, fast and pyld-identical.

Modules, in the order data flows through them:

* :mod:`.process`, :mod:`.resolve`, :mod:`.terms`, :mod:`.term_checks`,
  :mod:`.iri_expansion`, :mod:`.context` -- context processing
  (https://www.w3.org/TR/json-ld11-api/#context-processing-algorithms);
* :mod:`.document`, :mod:`.expand`, :mod:`.objects`, :mod:`.nodes`,
  :mod:`.properties`, :mod:`.containers`, :mod:`.values`, :mod:`.literals`,
  :mod:`.emit`, :mod:`.safety` -- expansion fused with deserialization to RDF;
* :mod:`.rdfc10`, :mod:`.ndegree` -- RDFC-1.0 (https://www.w3.org/TR/rdf-canon/);
* :mod:`.nquads` -- reading N-Quads; :mod:`.fallback` -- pyld, for the rest.

The public entry point is :func:`dataintegrity.canonicalize.canonicalize_rdfc`.
"""

from .document import document_quads as document_quads
from .nquads import parse_nquads as parse_nquads
from .rdfc10 import canonicalize as canonicalize_quads
