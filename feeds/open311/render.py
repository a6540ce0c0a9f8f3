"""GeoReport v2 documents as XML or JSON, both UTF-8.

XML: a declaration, then the root; a list becomes one element per item, named by the
list's singular (``<services><service>…``); true/false are spelt so, and a missing value is
an empty element. JSON is the same data (the specification's Spark convention): the root's
list is the top-level array, a definition is an object, and a missing value is null.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Each list's element name and the name of its items.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot hold at all (control characters but tab and newlines).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, list):
            for item in value:
                _fill(ET.SubElement(child, ITEM_NAMES[key]), item)
        else:
            child.text = _text(value)


def to_xml(root: str, data: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    """``root`` holding ``data``: a list (one item element each) or one object's fields."""
    element = ET.Element(root)
    if isinstance(data, list):
        for item in data:
            _fill(ET.SubElement(element, ITEM_NAMES[root]), item)
    else:
        _fill(element, data)
    return (DECLARATION + ET.tostring(element, encoding="unicode")).encode("utf-8")


def to_json(data: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def render(fmt: str, root: str, data: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    return to_xml(root, data) if fmt == "xml" else to_json(data)


def errors(fmt: str, problems: list[tuple[int, str]]) -> bytes:
    """The errors array: one ``{code, description}`` per problem."""
    rows = [{"code": code, "description": description} for code, description in problems]
    return render(fmt, "errors", rows)
