"""(being written)"""

from flask import Blueprint

bp = Blueprint("issuing", __name__, url_prefix="/console/issue")
