"""(being written)"""

from flask import Blueprint

bp = Blueprint("achievements", __name__, url_prefix="/console/achievements")
