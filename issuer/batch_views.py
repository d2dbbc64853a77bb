"""(being written)"""

from flask import Blueprint

bp = Blueprint("batch", __name__, url_prefix="/console/batch")
