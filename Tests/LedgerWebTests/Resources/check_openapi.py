#!/usr/bin/env python3
"""Checks the web interface against its OpenAPI document, independently of the Swift code.

    check_openapi.py SPEC SCHEMAS_DIR --document
        Validates SPEC with openapi-spec-validator (OpenAPI 3.1) and checks that each schema it
        embeds from SCHEMAS_DIR is that file as SCHEMAS_DIR/embed_schemas.py copies it. Prints
        "ok" or what is wrong, and exits 0 or 1.

    check_openapi.py SPEC SCHEMAS_DIR --responses
        Reads one JSON object per line on stdin: {"method", "path", "status", "type", "body"}
        (path with its query; body as text) and answers each with one line: {"ok": true} or
        {"ok": false, "error": "..."}. A JSON body must match the schema the document gives
        for that path, method, status and media type; a problem+json body the document gives
        no operation for (an unknown route, a 405) must match the Problem schema.
"""
import json
import os
import re
import sys

import jsonschema
import referencing
from openapi_spec_validator import validate

DOCUMENT_URI = "urn:ledger:openapi"


def check_document(spec, schemas_dir):
    validate(spec)
    sys.path.insert(0, schemas_dir)
    from embed_schemas import embedded, files  # the rule that copies Schemas/ into the document

    sources = files(schemas_dir)
    problems = []
    for name, schema in embedded(schemas_dir).items():
        if spec["components"]["schemas"].get(name) != schema:
            problems.append(f"components/schemas/{name} is not {sources[name]}: run python3 Schemas/embed_schemas.py")
    return problems


class ResponseChecker:
    def __init__(self, spec):
        self.spec = spec
        resource = referencing.Resource.from_contents(spec, default_specification=referencing.jsonschema.DRAFT202012)
        self.registry = referencing.Registry().with_resource(DOCUMENT_URI, resource)
        self.routes = []
        for template, item in spec["paths"].items():
            parts = re.split(r"(\{[^}]+\})", template)
            pattern = "^" + "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts) + "$"
            self.routes.append((re.compile(pattern), item))

    def response_schema(self, method, path, status, media):
        route = next((item for pattern, item in self.routes if pattern.match(path)), None)
        operation = route.get(method.lower()) if route else None
        if operation is None:
            # An unknown route, or a method the route does not answer (405): a problem, nothing more.
            if media == "application/problem+json":
                return {"$ref": "#/components/schemas/Problem"}, None
            return None, f"the document has no {method} {path}"
        responses = operation["responses"]
        response = responses.get(str(status))
        if response is None:
            return None, f"the document gives {method} {path} no {status} answer"
        pointer = None
        if "$ref" in response:
            pointer = response["$ref"][1:]
            response = follow(self.spec, pointer)
        content = response.get("content", {})
        if media not in content:
            return None, f"the document gives {method} {path} {status} no {media} body (only {sorted(content)})"
        schema = content[media].get("schema")
        return schema, None

    def check(self, request):
        method, path, status = request["method"], request["path"].split("?")[0], request["status"]
        media = request["type"]
        body = request["body"]
        if not (media.startswith("application/json") or media.startswith("application/problem+json")):
            return "not a JSON answer"
        try:
            value = json.loads(body)
        except ValueError as error:
            return f"the body is not JSON: {error}"
        schema, problem = self.response_schema(method, path, status, media)
        if problem is not None:
            return problem
        wrapped = dict(schema)
        wrapped["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        if "$ref" in wrapped:
            wrapped["$ref"] = DOCUMENT_URI + wrapped["$ref"]
        else:
            wrapped = rebase(wrapped)
        validator = jsonschema.Draft202012Validator(wrapped, registry=self.registry)
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            where = "/".join(str(part) for part in first.absolute_path) or "(the body)"
            return f"{method} {path} {status} {media}: at {where}: {first.message}"
        return None


def follow(document, pointer):
    node = document
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def rebase(node):
    if isinstance(node, dict):
        return {key: (DOCUMENT_URI + value if key == "$ref" and isinstance(value, str) and value.startswith("#") else rebase(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [rebase(item) for item in node]
    return node


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("--document", "--responses"):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    if sys.argv[3] == "--document":
        try:
            problems = check_document(spec, sys.argv[2])
        except Exception as error:  # the validator's own error, whatever its class
            problems = [f"openapi-spec-validator: {type(error).__name__}: {error}"[:2000]]
        print("\n".join(problems) if problems else "ok")
        return 1 if problems else 0
    checker = ResponseChecker(spec)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            error = checker.check(json.loads(line))
        except Exception as failure:
            error = f"{type(failure).__name__}: {failure}"
        print(json.dumps({"ok": error is None, "error": error}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
