"""OpenAPI post-processing: the schema says what the API really answers (issue 15, part 6).

Every operation can answer with the API's error body: 400 (bad input), 401 (no or a wrong
token), 403, 404, 406 (an Accept header the API cannot serve), 409 (changed meanwhile;
writes), 413 and 415 (bodies), 429 (the token endpoint's limit). drf-spectacular documents
only the success responses that the views declare; this adds the errors, once, to all.
"""

from __future__ import annotations

from typing import Any

from .. import inputs

ERROR_SCHEMA = {
    "type": "object",
    "description": "The API's error body: a message a person can act on, a machine code, "
    "and per-field problems for input errors.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": True},
    },
    "required": ["detail", "code"],
}
ERRORS = {
    "400": "Invalid input; nothing was changed.",
    "401": "Not authenticated: no token, or a token that is not valid.",
    "403": "Your role does not allow this.",
    "404": "Does not exist, or is not shared with you.",
    "406": "The Accept header asks for a format the API does not serve (it serves JSON).",
}
WRITE_ERRORS = {
    "409": "Changed meanwhile, or already decided.",
    "413": "The request body is too large.",
    "415": "The body's Content-Type is not JSON, form data or multipart.",
}
TOKEN_ERRORS = {"429": "Too many attempts; wait and try again."}
# What drafting.inputs refuses in any text (the API's JSON parser, the query check): a NUL.
NO_NUL = "^[^\\u0000]*$"


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: Any) -> Any:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(ERRORS)
            if method in {"post", "put", "patch", "delete"}:
                errors.update(WRITE_ERRORS)
            if path.endswith("/auth/token/"):
                errors.update(TOKEN_ERRORS)
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": reference}
                )
    return result


def request_rules(result: dict[str, Any], generator: Any, request: Any, public: Any) -> Any:
    """The schema states the input rules every endpoint enforces, so that a request the schema
    calls valid is one the API accepts: request bodies take no property they do not name, no
    text in a body or a query parameter holds a NUL, and no whole number there is beyond a
    64-bit column."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component.setdefault("additionalProperties", False)
            _input_rules(component)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "query":
                        _input_rules(parameter.get("schema", {}))
    return result


def _input_rules(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "integer":
        # drafting.inputs bounds every whole number from outside to a 64-bit column.
        schema.setdefault("minimum", inputs.DB_INT_MIN)
        schema.setdefault("maximum", inputs.DB_INT_MAX)
    if schema.get("type") == "string" and not {"pattern", "enum", "format"} & schema.keys():
        schema["pattern"] = NO_NUL
    for child in schema.get("properties", {}).values():
        _input_rules(child)
    _input_rules(schema.get("items"))
    _input_rules(schema.get("additionalProperties"))
