"""The printable certificate: an A4 PDF of the credential, with a QR code that scans from paper.

HTML and CSS (``templates/graduate/certificate.html``, ``static/certificate.css``)
rendered by WeasyPrint. Names appear in every language the credential has, set
in the Debian Noto fonts the machine already has (fonts-noto-core,
fonts-noto-cjk), found by family name, never bundled. The QR code is inline SVG,
so it stays vector, and is printed large enough for a phone to read from paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from flask import render_template
from markupsafe import Markup

from schemas.credential_view import CredentialView, Day, Status, Text, credential_view, day, languages_of, long_date

from .graduate_qr import CredentialCode, svg_markup

#: Each module at least this wide on paper: phone cameras read 0.4-0.5 mm modules at arm's length.
MIN_MODULE_MM = 0.45
#: The dark part of the code at least this wide, however few modules it has.
MIN_SYMBOL_MM = 35.0
#: The code with its quiet zone at most this wide, so it fits beside the verification text.
MAX_PRINTED_MM = 100.0


@dataclass(frozen=True)
class Certificate:
    """What the certificate shows: the credential in each of its languages, its status and its code."""

    views: tuple[CredentialView, ...]
    status: Status
    status_day: Day
    issued: Day | None
    code: CredentialCode
    qr_svg: Markup | None
    qr_mm: float

    @property
    def view(self) -> CredentialView:
        """The credential in its first language (English), which the certificate is set in."""
        return self.views[0]

    @property
    def learner_names(self) -> tuple[Text, ...]:
        return _distinct(v.learner for v in self.views)

    @property
    def achievement_names(self) -> tuple[Text, ...]:
        return _distinct(v.achievement for v in self.views)

    @property
    def issuer_names(self) -> tuple[Text, ...]:
        return _distinct(v.issuer for v in self.views)


def certificate_for(document: dict, *, tiers, status: Status, code: CredentialCode, issued_at: datetime,
                    now: datetime) -> Certificate:
    """The certificate of a signed credential.

    :param issued_at: when the issuer stored it (the date printed if the proof carries none).
    :param now: when the status was read, printed beside it (the status may change later).
    """
    views = tuple(credential_view(document, tag, tiers) for tag in languages_of(document))
    qr_svg = qr_mm = None
    if code.symbol is not None:
        qr_mm = printed_size_mm(code.symbol.modules)
        qr_svg = svg_markup(code.symbol, label="QR code of this credential", size=f"{qr_mm:.2f}mm")
    return Certificate(views=views, status=status, status_day=long_date(now.date()),
                       issued=issued_day(document) or long_date(issued_at.date()), code=code, qr_svg=qr_svg,
                       qr_mm=qr_mm or 0.0)


def printed_size_mm(modules: int, quiet_zone: int = 4) -> float:
    """The printed width of a code of ``modules`` a side, quiet zone included.

    Each module is at least :data:`MIN_MODULE_MM` and the symbol itself at
    least :data:`MIN_SYMBOL_MM`; the whole is capped at :data:`MAX_PRINTED_MM`.
    """
    module = max(MIN_MODULE_MM, MIN_SYMBOL_MM / modules)
    return min(module * (modules + 2 * quiet_zone), MAX_PRINTED_MM)


def issued_day(document: dict) -> Day | None:
    """The day the credential was signed (its proof's ``created``), if it says."""
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return next((day(p.get("created")) for p in proofs if isinstance(p, dict) and day(p.get("created"))), None)


def certificate_html(certificate: Certificate) -> str:
    return render_template("graduate/certificate.html", certificate=certificate, view=certificate.view)


def render_pdf(html: str) -> bytes:
    """``html`` (with ``static/certificate.css``) as PDF bytes; nothing is fetched from anywhere."""
    import weasyprint  # here, not at the top: it loads Pango and fontconfig, which starting the app does not need

    fetcher = _no_fetching(weasyprint)
    stylesheet = resources.files("issuer").joinpath("static", "certificate.css").read_text("utf-8")
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[weasyprint.CSS(string=stylesheet, url_fetcher=fetcher)])


def _no_fetching(weasyprint):
    """A URL fetcher that fetches nothing: the certificate is self-contained, and no URL in it is followed.

    WeasyPrint 68 and later take a ``URLFetcher`` object (here one that allows
    no protocol at all); earlier versions take a function.
    """
    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher_class is not None:
        return fetcher_class(allowed_protocols=frozenset())
    return _refuse_fetch


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the certificate fetches no resources ({url[:40]!r})")


def _distinct(texts) -> tuple[Text, ...]:
    """Each different wording once, in order (a language the credential lacks repeats the English)."""
    seen: list[Text] = []
    for text in texts:
        if text is not None and all(text.value != other.value for other in seen):
            seen.append(text)
    return tuple(seen)
