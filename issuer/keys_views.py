"""(being written)"""

from flask import Blueprint

bp = Blueprint("keys", __name__, url_prefix="/console/keys")
