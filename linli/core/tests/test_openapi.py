"""The OpenAPI document describes what the endpoints accept.

ninja puts every schema under ``components.schemas`` by its class name, and a later class of the same name
silently replaces an earlier one: two apps' ``OrgIn`` meant the party endpoints documented the organisations'
body. Two guards: no two schema classes (nor two different shapes) share a component name, and for every
operation with a request body, bodies generated from the *documented* schema pass the endpoint's own request
validation (the step that answers 400 before the view runs).
"""

from __future__ import annotations

import enum
import json
import re
import typing
from collections import defaultdict

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import HealthCheck, Phase, assume, given, settings
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import REF_TEMPLATE, NinjaGenerateJsonSchema
from ninja.utils import normalize_path
from pydantic import BaseModel

schemathesis = pytest.importorskip("schemathesis")

from schemathesis import GenerationMode  # noqa: E402

from .test_api_fuzz import SCHEMA_PATH, in_process_requests  # noqa: E402

# Pydantic error types that mean "the body does not have the documented shape". A ``value_error`` from a
# validator (a date out of the plausible window, a malformed phone number) is a rule on the value, which
# JSON Schema cannot state; it is not a mismatch. Neither are the decimal errors: pydantic documents a Decimal
# as "a number or any string" and cannot state max_digits or decimal_places.
SHAPE_ERRORS = {
    "missing",
    "extra_forbidden",
    "model_type",
    "model_attributes_type",
    "dict_type",
    "list_type",
    "literal_error",
    "enum",
    "json_invalid",
    "string_type",
    "int_type",
    "int_parsing",
    "float_type",
    "bool_type",
    "date_type",
    "datetime_type",
    "date_parsing",
    "datetime_parsing",
    "is_instance_of",
    "union_tag_invalid",
    "union_tag_not_found",
    "string_too_long",
    "string_too_short",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_long",
    "too_short",
    "string_pattern_mismatch",
}


def api_operations():
    """``(method, OpenAPI path, ninja Operation)`` for every documented operation."""
    from config.api import api

    prefix = api.get_root_path({})
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            full = normalize_path("/" + prefix + "/".join(p for p in (bound.prefix, path) if p))
            full = re.sub(r"{[^}:]+:", "{", full)  # as the document writes it: no path converters
            for op in path_view.operations:
                if op.include_in_schema:
                    for method in op.methods:
                        yield method, full, op


def reachable_models(model, seen):
    """Every class that ``model``'s JSON schema names as a component: itself, nested models and enums."""
    if model in seen:
        return
    seen.add(model)
    stack = [f.annotation for f in model.model_fields.values()]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            reachable_models(tp, seen)
        elif isinstance(tp, type) and issubclass(tp, enum.Enum):
            seen.add(tp)
        stack.extend(typing.get_args(tp))


def _operation_models(op):
    for model in op.models:
        yield model, "validation"
    for model in op.response_models.values():
        if isinstance(model, type) and issubclass(model, BaseModel):
            yield model, "serialization"


def test_no_two_schema_classes_share_a_component_name(db):
    classes = set()
    for _method, _path, op in api_operations():
        for model, _mode in _operation_models(op):
            reachable_models(model, classes)
    by_name = defaultdict(set)
    for cls in classes:
        if cls.__module__.startswith("linli."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not clashes, f"schema classes sharing a component name (prefix them with their app): {clashes}"


def test_every_component_has_one_shape(db):
    """The same name never stands for two different schemas, whichever operation generated it."""
    shapes = defaultdict(dict)
    for method, path, op in api_operations():
        for model, mode in _operation_models(op):
            schema = model.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode=mode
            )
            for name, definition in schema.get("$defs", {}).items():
                shapes[name].setdefault(json.dumps(definition, sort_keys=True), f"{method} {path}")
    clashes = {name: sorted(where.values()) for name, where in shapes.items() if len(where) > 1}
    assert not clashes, f"component names with more than one shape: {clashes}"


def _upload(name, value):
    raw = getattr(value, "data", value)  # schemathesis wraps generated bytes in Binary
    return SimpleUploadedFile(name, raw) if isinstance(raw, bytes) else value


def _request_for(case, method):
    factory = RequestFactory()
    path = case.formatted_path + (
        "?" + "&".join(f"{k}={v}" for k, v in (case.query or {}).items()) if case.query else ""
    )
    if case.media_type == "multipart/form-data":
        # An empty list of files cannot be told from no field at all in multipart encoding.
        assume(all(v != [] for v in (case.body or {}).values()))
        data = {
            k: [_upload(k, f) for f in v] if isinstance(v, list) else _upload(k, v)
            for k, v in (case.body or {}).items()
            if v is not None
        }  # multipart has no null
        return factory.generic(method, path, data=encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT)
    return factory.generic(method, path, data=json.dumps(case.body), content_type="application/json")


def _accepts_documented_bodies(operation, op):
    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def check(case):
        request = _request_for(case, operation.method.upper())
        try:
            op._get_values(request, dict(case.path_parameters or {}), HttpResponse())
        except NinjaValidationError as exc:
            shape = [e for e in exc.errors if e.get("type") in SHAPE_ERRORS]
            assert not shape, f"{operation.label}: documented body {case.body!r} refused: {shape}"

    return check


def test_every_documented_request_body_is_accepted(db):
    """For every operation with a body: bodies generated from the document pass the endpoint's validation."""
    from django.core.wsgi import get_wsgi_application

    ops = {(method.lower(), path): op for method, path, op in api_operations()}
    failures, checked = [], 0
    with in_process_requests():
        schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
        operations = [r.ok() for r in schema.get_all_operations()]
    operations = [o for o in operations if o.definition.raw.get("requestBody")]
    assert len(operations) >= 40, len(operations)
    for operation in operations:
        try:
            _accepts_documented_bodies(operation, ops[(operation.method.lower(), operation.path)])()
            checked += 1
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, "\n".join(failures)
    assert checked == len(operations)
