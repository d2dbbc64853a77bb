"""Plain-words messages for JSON Schema errors, with the JSON path they concern.

A schema may give any subschema an ``x-message``: it replaces the generic
message for errors raised by that subschema.
"""

from __future__ import annotations

from dataclasses import dataclass

from jsonschema.exceptions import ValidationError, best_match

_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


@dataclass(frozen=True, order=True)
class SchemaProblem:
    """One thing wrong with a document: where (``path``) and what (``message``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def json_path(parts) -> str:
    """``credentialSubject.achievement.alignment[2].targetCode`` for a path of keys and indexes."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the document)"


def explain(error: ValidationError) -> SchemaProblem:
    """The most useful plain-words problem for one top-level validation error."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        deeper = _branch_error(error)
        if deeper is not None:
            return explain(deeper)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "a property"
        return SchemaProblem(json_path([*error.absolute_path, missing]), "is required but missing")
    if error.validator == "additionalProperties" and not _message_of(error):
        return SchemaProblem(json_path(error.absolute_path), "holds properties this profile does not allow")
    return SchemaProblem(json_path(error.absolute_path), _message_of(error) or _generic(error))


def _branch_error(error: ValidationError) -> ValidationError | None:
    """The error inside the oneOf/anyOf branch the value was meant for, if that says more.

    Branches whose type did not match the value are ignored; when what is left
    is only missing properties, the schema's own ``x-message`` says it better.
    """
    matched = [e for e in error.context if not (e.validator == "type" and not e.relative_path)]
    if not matched or all(e.validator == "required" and not e.relative_path for e in matched):
        return None if _message_of(error) else (best_match(error.context) if error.context else None)
    return best_match(matched)


def _message_of(error: ValidationError) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    return schema.get("x-message")


def _generic(error: ValidationError) -> str:
    value = error.validator_value
    messages = {
        "type": lambda: "must be " + " or ".join(_TYPE_NAMES.get(t, t) for t in ([value] if isinstance(value, str) else value)),
        "const": lambda: f"must be {value!r}",
        "enum": lambda: "must be one of " + ", ".join(map(repr, value)),
        "minimum": lambda: f"must be {value} or more",
        "exclusiveMinimum": lambda: f"must be more than {value}",
        "maximum": lambda: f"must be {value} or less",
        "minLength": lambda: "must not be empty",
        "minItems": lambda: f"must have at least {value} entr{'y' if value == 1 else 'ies'}",
        "pattern": lambda: "is not in the expected form",
        "contains": lambda: "does not include an entry it must include",
    }
    return messages.get(error.validator, lambda: error.message)()
