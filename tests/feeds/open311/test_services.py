"""GET services and GET services/{service_code}, in XML and JSON, and their errors."""

from __future__ import annotations

import pytest

from cases import access
from cases.catalog import as_row
from cases.workflow import Actor, Role
from tests.feeds.open311.conftest import (
    BASE,
    Center,
    children,
    error_list,
    json_body,
    tags,
    xml_root,
)
from tests.feeds.open311.schemas import SERVICE_DEFINITION, SERVICES, validate

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


def public_codes(center: Center) -> list[str]:
    catalog = center.g.store.catalog
    return [c.code for c in catalog.categories.values() if access.is_public_category(c)]


def test_service_list_in_xml_element_by_element(center: Center) -> None:
    root = xml_root(center.client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert set(tags(root)) == {"service"}
    catalog = center.g.store.catalog
    seen = []
    for service in root:
        assert tags(service) == SERVICE_FIELDS
        fields = children(service)
        category = catalog.categories[fields["service_code"]]
        assert fields["service_name"] == category.name_zh
        assert fields["group"] == category.class_zh
        assert fields["metadata"] == "true"
        assert fields["type"] == "realtime"
        assert category.name_en in fields["keywords"]
        assert catalog.departments[category.department].name_zh in fields["description"]
        seen.append(fields["service_code"])
    assert seen == public_codes(center)


def test_service_list_in_json_fits_the_schema_and_says_the_same(center: Center) -> None:
    xml = xml_root(center.client.get(f"{BASE}/services.xml"))
    body = json_body(center.client.get(f"{BASE}/services.json"))
    validate(SERVICES, body)
    assert [s["service_code"] for s in body] == [s.findtext("service_code") for s in xml]
    sr01 = next(s for s in body if s["service_code"] == "SR01")
    assert sr01["service_name"] == "暴露垃圾" and sr01["group"] == "市容环境"
    assert sr01["metadata"] is True and sr01["type"] == "realtime"


def test_matters_about_people_are_not_offered(center: Center) -> None:
    codes = {s["service_code"] for s in json_body(center.client.get(f"{BASE}/services.json"))}
    assert {"SR01", "AQ05", "CG05", "MS03"} <= codes
    assert not codes & {"DJ01", "MD03", "MD08", "MS07", "MS08", "MS09"}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_service_definition_has_the_coordinate_system_attribute(center: Center, fmt: str) -> None:
    r = center.client.get(f"{BASE}/services/SR01.{fmt}")
    assert r.status_code == 200
    if fmt == "json":
        body = json_body(r)
        validate(SERVICE_DEFINITION, body)
        assert body["service_code"] == "SR01"
        [crs] = body["attributes"]
        assert crs["code"] == "crs" and crs["datatype"] == "singlevaluelist"
        assert crs["required"] is False and crs["variable"] is True and crs["order"] == 1
        assert [v["key"] for v in crs["values"]] == ["wgs84", "gcj02", "bd09"]
        return
    root = xml_root(r)
    assert root.tag == "service_definition"
    assert tags(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "SR01"
    [attribute] = root.find("attributes")
    assert attribute.tag == "attribute" and tags(attribute) == ATTRIBUTE_FIELDS
    fields = children(attribute)
    assert fields["variable"] == "true" and fields["required"] == "false"
    assert fields["code"] == "crs" and fields["order"] == "1"
    values = attribute.find("values")
    assert set(tags(values)) == {"value"}
    assert [(v.findtext("key"), tags(v)) for v in values] == [
        ("wgs84", ["key", "name"]),
        ("gcj02", ["key", "name"]),
        ("bd09", ["key", "name"]),
    ]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("code", ["XX99", "MD03"])  # unknown; known but not public
def test_unknown_service_code_is_404(center: Center, fmt: str, code: str) -> None:
    r = center.client.get(f"{BASE}/services/{code}.{fmt}")
    assert r.status_code == 404
    [(status, description)] = error_list(r, fmt)
    assert status == 404 and code in description


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_jurisdiction_is_ours_or_not_given(center: Center, fmt: str) -> None:
    ok = center.client.get(f"{BASE}/services.{fmt}?jurisdiction_id=jinan-lixia")
    empty = center.client.get(f"{BASE}/services.{fmt}?jurisdiction_id=")
    assert ok.status_code == empty.status_code == 200 and ok.data == empty.data
    for path in ("services", "services/SR01", "requests", "requests/1", "tokens/1"):
        r = center.client.get(f"{BASE}/{path}.{fmt}?jurisdiction_id=sfgov.org")
        assert r.status_code == 404, path
        [(status, description)] = error_list(r, fmt)
        assert status == 404 and "jurisdiction_id" in description


def test_a_format_other_than_xml_or_json_is_404_in_xml(center: Center) -> None:
    r = center.client.get(f"{BASE}/services.csv")
    assert r.status_code == 404
    [(status, description)] = error_list(r, "xml")
    assert status == 404 and "csv" in description


def test_an_item_routed_by_place_names_the_place_as_its_agency(center: Center) -> None:
    store = center.g.store
    row = as_row(store.catalog.category("MS03"))  # 小区路灯不亮, public
    store.save_category({**row, "route": "community"}, Actor("a", Role.ADMIN))
    body = json_body(center.client.get(f"{BASE}/services.json"))
    ms03 = next(s for s in body if s["service_code"] == "MS03")
    assert "由所在社区负责处置" in ms03["description"]
    assert "社区/物业" not in ms03["description"]  # not the department it falls back to
    request_id = center.file("MS03")
    [request] = json_body(center.client.get(f"{BASE}/requests/{request_id}.json"))
    unit = store.catalog.departments[store.get(request_id).department]
    assert unit.code.startswith("community_")
    assert request["agency_responsible"] == unit.name_zh
