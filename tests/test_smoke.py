from helpers import DATASET, Api


async def test_raise_then_read(api: Api) -> None:
    urn = await api.raise_incident(title="late data")
    page = await api.asset_incidents()
    assert page["total"] == 1
    assert page["incidents"][0]["urn"] == urn
    assert (await api.health(DATASET))["status"] == "FAIL"
