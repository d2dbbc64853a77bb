"""Credentials in QR codes: the compact payload (docs/qr-format.md), drawing and reading codes.

Sits beside :mod:`dataintegrity` at the bottom of the project: it knows
credentials only as JSON and needs no network.
"""
