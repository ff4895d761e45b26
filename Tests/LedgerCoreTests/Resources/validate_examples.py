#!/usr/bin/env python3
"""Validate Schemas/examples/{valid,invalid}/*.json against the ledger's JSON Schemas.

Usage: validate_examples.py SCHEMAS_DIR

An example file named `<prefix>--<what>.json` is validated against the schema
its prefix names (PREFIXES below: `event`, `stored-event`, `at-result`,
`request`, `response`; any other top-level `SCHEMAS_DIR/<prefix>.schema.json`
is found by its stem) with the JSON Schema draft 2020-12 validator and its
format checker. Every `*.schema.json` under SCHEMAS_DIR is loaded so that
`$ref`s between them resolve offline by `$id`.

Prints one JSON object: {"examples/valid/event--x.json": true, ...} where true
means "valid per the schema", and exits 0. Exits 2 with a message on stderr if
a schema is itself invalid or one PREFIXES names is missing, a file is not
JSON, or an example names no schema.
Needs python3 and `jsonschema` (>= 4.0, for draft 2020-12); uses `referencing`
when jsonschema is new enough (>= 4.18), else jsonschema.RefResolver.
"""
import json
import os
import sys
import warnings


def fail(message):
    print("validate_examples: " + message, file=sys.stderr)
    sys.exit(2)


try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as error:  # pragma: no cover
    fail("python3 jsonschema with draft 2020-12 support is required (%s)" % error)

# Example prefix -> schema file (relative to SCHEMAS_DIR). Each must exist; a
# top-level `<stem>.schema.json` not listed here is still found by its stem.
PREFIXES = {
    "event": "event.schema.json",
    "stored-event": "stored-event.schema.json",
    "at-result": "at-result.schema.json",
    "request": "request.schema.json",
    "response": "response.schema.json",
}

FORMAT_CHECKER = getattr(Draft202012Validator, "FORMAT_CHECKER", None)
if FORMAT_CHECKER is None:  # jsonschema < 4.5
    FORMAT_CHECKER = jsonschema.draft202012_format_checker


def load_json(path, what):
    try:
        with open(path, "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        fail("%s %s is not JSON: %s" % (what, path, error))
    except OSError as error:
        fail("cannot read %s %s: %s" % (what, path, error))


def load_schemas(root):
    """Return {prefix: schema} for the examples' prefixes and {$id: schema} for all."""
    by_stem, by_id, by_path = {}, {}, {}
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d != "examples")
        for name in sorted(files):
            if not name.endswith(".schema.json"):
                continue
            path = os.path.join(directory, name)
            schema = load_json(path, "schema")
            try:
                Draft202012Validator.check_schema(schema)
            except jsonschema.exceptions.SchemaError as error:
                fail("schema %s is invalid: %s" % (path, error.message))
            schema_id = schema.get("$id") if isinstance(schema, dict) else None
            if not schema_id:
                fail("schema %s has no $id" % path)
            if schema_id in by_id:
                fail("schema %s repeats the $id %s" % (path, schema_id))
            by_id[schema_id] = schema
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            by_path[relative] = schema
            if os.path.abspath(directory) == os.path.abspath(root):
                by_stem[name[: -len(".schema.json")]] = schema
    if not by_stem:
        fail("no *.schema.json in %s" % root)
    for prefix, relative in sorted(PREFIXES.items()):
        if relative not in by_path:
            fail("schema %s (for examples %s--*.json) is missing"
                 % (os.path.join(root, relative), prefix))
        by_stem[prefix] = by_path[relative]
    return by_stem, by_id


def make_validator_factory(by_id):
    registry = None
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        registry = Registry().with_resources(
            (uri, Resource.from_contents(schema, default_specification=DRAFT202012))
            for uri, schema in by_id.items()
        )
        Draft202012Validator({}, registry=registry)  # jsonschema < 4.18 has no registry
    except (ImportError, TypeError):
        registry = None

    if registry is not None:
        def factory(schema):
            return Draft202012Validator(
                schema, registry=registry, format_checker=FORMAT_CHECKER
            )
        return factory

    def factory(schema):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            resolver = jsonschema.RefResolver(
                base_uri=schema.get("$id", ""), referrer=schema, store=dict(by_id)
            )
            return Draft202012Validator(
                schema, resolver=resolver, format_checker=FORMAT_CHECKER
            )
    return factory


def main(argv):
    if len(argv) != 2:
        print("usage: validate_examples.py SCHEMAS_DIR", file=sys.stderr)
        return 2
    root = argv[1]
    if not os.path.isdir(root):
        fail("%s is not a directory" % root)
    by_stem, by_id = load_schemas(root)
    factory = make_validator_factory(by_id)
    validators = {}
    results = {}
    for group in ("valid", "invalid"):
        directory = os.path.join(root, "examples", group)
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if not (name.endswith(".json") and os.path.isfile(path)):
                continue
            stem = name.split("--", 1)[0] if "--" in name else None
            if stem not in by_stem:
                fail("example %s does not name a schema (<schema>--<what>.json; schemas: %s)"
                     % (path, ", ".join(sorted(by_stem))))
            document = load_json(path, "example")
            if stem not in validators:
                validators[stem] = factory(by_stem[stem])
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            results[relative] = validators[stem].is_valid(document)
    json.dump(results, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
