#!/usr/bin/env python3
"""Copies the schemas of this directory into openapi.json, where the web interface's OpenAPI
document needs them, so that the document stands alone (any OpenAPI tool reads it offline).

    python3 Schemas/embed_schemas.py

Each of event.schema.json, events/*.schema.json, stored-event.schema.json,
at-result.schema.json and response.schema.json becomes a schema of components/schemas (Event,
EventAnnounced, ..., StoredEvent, AtResult, SocketResponse) without its $schema and $id, every
$ref rewritten from a file's $id to the schema's place in the document. The rest of
openapi.json (paths, Problem, Diff, parameters) is edited by hand and left as it is. Run it
after changing any of those files; the tests fail until the two agree.
"""
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def files(schemas_dir=HERE):
    """The embedded schemas' names, in the document's order, and the files they come from."""
    names = collections.OrderedDict([("Event", "event.schema.json")])
    for name in sorted(os.listdir(os.path.join(schemas_dir, "events"))):
        if name.endswith(".schema.json"):
            stem = name[: -len(".schema.json")]
            names["Event" + "".join(word.capitalize() for word in stem.split("-"))] = "events/" + name
    names["StoredEvent"] = "stored-event.schema.json"
    names["AtResult"] = "at-result.schema.json"
    names["SocketResponse"] = "response.schema.json"
    return names


def embedded(schemas_dir=HERE):
    """Each file's schema as the document holds it."""
    loaded = collections.OrderedDict()
    for name, path in files(schemas_dir).items():
        with open(os.path.join(schemas_dir, path), encoding="utf-8") as handle:
            loaded[name] = json.load(handle, object_pairs_hook=collections.OrderedDict)
    by_id = {schema["$id"]: name for name, schema in loaded.items()}

    def localise(node, home, top):
        if isinstance(node, dict):
            out = collections.OrderedDict()
            for key, value in node.items():
                if node is top and key in ("$schema", "$id"):
                    continue
                if key == "$ref" and isinstance(value, str):
                    target, _, pointer = value.partition("#")
                    value = "#/components/schemas/" + (by_id[target] if target else home) + pointer
                out[key] = localise(value, home, top)
            return out
        if isinstance(node, list):
            return [localise(item, home, top) for item in node]
        return node

    return collections.OrderedDict((name, localise(schema, name, schema)) for name, schema in loaded.items())


def main():
    path = os.path.join(HERE, "openapi.json")
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle, object_pairs_hook=collections.OrderedDict)
    schemas = document["components"]["schemas"]
    for name, schema in embedded().items():
        schemas[name] = schema
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
