"""(being written)"""

from flask import Blueprint

bp = Blueprint("tokens", __name__, url_prefix="/console/tokens")
