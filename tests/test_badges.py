"""GET /badge/{urn}.svg over HTTP on both databases: each health state, signed, unsigned and
tampered URLs, the public setting, shields.io's JSON, ETag and 304, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from urllib.parse import quote, urlsplit

import httpx
import pytest
from helpers import Api

from incident_graph.auth import badge_signature
from incident_graph.config import Settings

SOURCE = "urn:li:dataset:(urn:li:dataPlatform:kafka,raw_orders,PROD)"
ORDERS = "urn:li:dataset:(urn:li:dataPlatform:snowflake,orders,PROD)"
SALES = "urn:li:dashboard:(looker,sales)"
UPSERT = "mutation($i: [AssetInput!]!) { upsertAssets(input: $i) { created } }"
SVG = "{http://www.w3.org/2000/svg}"

Start = Callable[..., AbstractAsyncContextManager[Api]]


async def _badge_url(api: Api, urn: str, entity: str = "dataset") -> str:
    data = await api.gql(f"query($u: String!) {{ {entity}(urn: $u) {{ badgeUrl }} }}", {"u": urn})
    url = urlsplit(data[entity]["badgeUrl"])
    assert url.path == f"/badge/{quote(urn, safe='')}.svg"
    return f"{url.path}?{url.query}"


async def _get(api: Api, path: str, **headers: str) -> httpx.Response:
    # No token: a badge is fetched by an <img> on someone else's page.
    return await api.http.get(path, headers=headers)


def _svg(response: httpx.Response) -> ET.Element:
    """The badge parsed as XML: it must be well-formed, whatever text it holds."""
    assert response.headers["content-type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)  # noqa: S314 - the test's own server's answer


def _text(response: httpx.Response) -> list[str]:
    """The texts the badge shows (label, message)."""
    root = _svg(response)
    shown = [t.text or "" for t in root.iter(f"{SVG}text")]
    return shown[1::2]  # each text is drawn twice: its shadow, then itself


async def _seed(api: Api) -> None:
    await api.gql(
        UPSERT,
        {"i": [{"urn": SOURCE}, {"urn": ORDERS, "upstreamUrns": [SOURCE]}, {"urn": SALES}]},
    )


async def test_each_state_and_its_etag(api: Api) -> None:
    await _seed(api)
    orders = await _badge_url(api, ORDERS)
    healthy = await _get(api, orders)
    assert healthy.status_code == 200
    assert _text(healthy) == ["data health", "healthy"]
    assert 'fill="#4c1"' in healthy.text
    assert healthy.headers["cache-control"] == "public, max-age=60, must-revalidate"
    first = healthy.headers["etag"]
    # Unchanged health: 304 with no body, the same validators.
    same = await _get(api, orders, **{"If-None-Match": first})
    assert (same.status_code, same.content, same.headers["etag"]) == (304, b"", first)

    # Trouble upstream: the source has an incident.
    await api.raise_incident(resourceUrn=SOURCE)
    upstream = await _get(api, orders, **{"If-None-Match": first})
    assert upstream.status_code == 200
    assert _text(upstream) == ["data health", "unhealthy upstream"]
    assert upstream.headers["etag"] != first

    # Its own incidents come first, counted.
    one = await api.raise_incident(resourceUrn=ORDERS)
    await api.raise_incident(resourceUrn=ORDERS)
    two = await _get(api, orders)
    assert _text(two) == ["data health", "2 active incidents"]
    assert 'fill="#e05d44"' in two.text
    await api.resolve(one)
    assert _text(await _get(api, orders)) == ["data health", "1 active incident"]

    # Every asset type has a badge URL; a dashboard with nothing on it is healthy.
    sales = await _get(api, await _badge_url(api, SALES, entity="dashboard"))
    assert _text(sales) == ["data health", "healthy"]
    # Counted on /metrics under one label, whatever the URN.
    scraped = (await api.http.get("/metrics")).text
    assert 'path="/badge/{urn}",status="200"' in scraped
    assert 'path="/badge/{urn}",status="304"' in scraped


async def test_shields_endpoint_json(api: Api) -> None:
    await _seed(api)
    url = await _badge_url(api, ORDERS)
    response = await _get(api, f"{url}&format=json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "schemaVersion": 1,
        "label": "data health",
        "message": "healthy",
        "color": "brightgreen",
    }
    etag = response.headers["etag"]
    assert (await _get(api, f"{url}&format=json", **{"If-None-Match": etag})).status_code == 304
    # The SVG of the same health is another representation: another ETag.
    assert (await _get(api, url)).headers["etag"] != etag
    bad = await _get(api, f"{url}&format=png")
    assert (bad.status_code, bad.text) == (400, "format is svg (the default) or json")


async def test_unsigned_and_tampered_urls_are_refused(api: Api) -> None:
    await _seed(api)
    url = await _badge_url(api, ORDERS)
    path, query = url.split("?")
    unsigned = await _get(api, path)
    assert unsigned.status_code == 403
    assert unsigned.text.startswith("forbidden: this badge URL has no signature")
    signature = query.removeprefix("sig=")
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    tampered = await _get(api, f"{path}?sig={flipped}")
    assert tampered.status_code == 403
    assert "signature that does not match" in tampered.text
    # Another asset's signature does not open this one.
    other = (await _badge_url(api, SOURCE)).split("?")[1]
    assert (await _get(api, f"{path}?{other}")).status_code == 403
    # A refusal says nothing of the asset: the same answer for one that does not exist.
    missing = f"/badge/{quote('urn:li:dataset:(urn:li:dataPlatform:x,nope,PROD)', safe='')}.svg"
    assert (await _get(api, missing)).status_code == 403


async def test_unknown_asset_with_a_signed_url(api: Api) -> None:
    assert api.app is not None
    urn = "urn:li:dataset:(urn:li:dataPlatform:x,never_loaded,PROD)"
    signature = badge_signature.sign(api.app.state.keyring, urn)
    response = await _get(api, f"/badge/{quote(urn, safe='')}.svg?sig={signature}")
    assert response.status_code == 200
    assert _text(response) == ["data health", "unknown asset"]
    assert 'fill="#9f9f9f"' in response.text


async def test_public_badges_need_no_signature(api_with: Start) -> None:
    async with api_with(public_badges=True) as api:
        await _seed(api)
        await api.raise_incident(resourceUrn=ORDERS)
        response = await _get(api, f"/badge/{quote(ORDERS, safe='')}.svg")
        assert response.status_code == 200
        assert _text(response) == ["data health", "1 active incident"]
        # Text from the URN is escaped: the SVG stays well-formed and shows it literally.
        odd = "urn:li:dataset:(urn:li:dataPlatform:x,a<b>&\"c'</title>,PROD)"
        shown = await _get(api, f"/badge/{quote(odd, safe='')}.svg")
        assert shown.status_code == 200
        title = _svg(shown).find(f"{SVG}title")
        assert title is not None
        assert title.text == f"{odd}: unknown asset"
        # A dataset named by a path: its slashes travel encoded and come back whole.
        s3 = "urn:li:dataset:(urn:li:dataPlatform:s3,landing/orders/2026,PROD)"
        await api.raise_incident(resourceUrn=s3)
        by_path = await _get(api, f"/badge/{quote(s3, safe='')}.svg")
        assert _text(by_path) == ["data health", "1 active incident"]
        not_an_asset = await _get(api, f"/badge/{quote('urn:li:corpuser:alice', safe='')}.svg")
        assert not_an_asset.status_code == 400
        assert not_an_asset.text.startswith("not an asset URN")
        assert (await _get(api, "/badge/whatever.png")).status_code == 404


REPORT = "mutation($i: [CheckResultInput!]!) { reportCheckResults(input: $i) { stored } }"


def _result(run: int, status: str) -> dict[str, object]:
    return {
        "assetUrn": ORDERS,
        "checkName": "orders not null",
        "type": "FIELD",
        "platform": "dbt",
        "runId": f"run-{run}",
        "timestampMillis": 1_700_000_000_000 + run * 1000,
        "status": status,
    }


async def test_checks_on_the_badge(api_with: Start) -> None:
    async with api_with(check_raise_on_fail=False) as api:
        await _seed(api)
        orders = await _badge_url(api, ORDERS)
        await api.gql(REPORT, {"i": [_result(1, "PASS")]})
        assert _text(await _get(api, orders)) == ["data health", "healthy"]
        await api.gql(REPORT, {"i": [_result(2, "FAIL")]})
        failing = await _get(api, orders)
        assert _text(failing) == ["data health", "failing checks"]
        assert 'fill="#e05d44"' in failing.text
        await api.gql(REPORT, {"i": [_result(3, "WARN")]})
        assert _text(await _get(api, orders)) == ["data health", "checks warn"]


async def test_a_failing_check_that_raised_an_incident(api: Api) -> None:
    await _seed(api)
    await api.gql(REPORT, {"i": [_result(1, "FAIL")]})
    shown = await _get(api, await _badge_url(api, ORDERS))
    assert _text(shown) == ["data health", "1 active incident, failing checks"]


@pytest.mark.parametrize("setting", ["true", "false"])
def test_public_badges_setting_from_env(setting: str) -> None:
    found = Settings.from_env({"INCIDENT_GRAPH_PUBLIC_BADGES": setting})
    assert found.public_badges is (setting == "true")
