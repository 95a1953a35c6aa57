"""OpenAPI post-processing: the schema says what the API really answers (issue 15, part 6).

Every operation can answer with the API's error body: 400 (bad input), 401 (no or a wrong
token), 403, 404, 406 (an Accept header the API cannot serve), 409 (changed meanwhile;
writes), 413 and 415 (bodies), 429 (the token endpoint's limit). drf-spectacular documents
only the success responses that the views declare; this adds the errors, once, to all.
"""

from __future__ import annotations

from typing import Any

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
