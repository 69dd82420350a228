"""On-call schedules over GraphQL: rotation, overrides, refusals, and policies that page them."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from helpers import Api
from notify_receivers import http_receiver
from test_notify_delivery import FAST, ApiWith, channel, until

from incident_graph.domain.enums import Role
from incident_graph.domain.oncall import Rotation, on_call

CREATE = """mutation($i: OnCallScheduleInput!) { createOnCallSchedule(input: $i) {
  id name members handoffTime lengthDays timeZone startDate } }"""
WHO = """query($s: ID!, $at: Long) { whoIsOnCall(schedule: $s, at: $at) {
  userUrn fromOverride at schedule { name } } }"""
OVERRIDE = """mutation($s: ID!, $u: String!, $a: Long!, $b: Long!) {
  addOnCallOverride(schedule: $s, userUrn: $u, start: $a, end: $b) }"""
POLICY = """mutation($i: NotificationPolicyInput!) {
  createNotificationPolicy(input: $i) { id onCallScheduleIds } }"""

ANA, BEN, CAT = (f"urn:li:corpuser:{n}" for n in ("ana", "ben", "cat"))
PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=PARIS).timestamp() * 1000)


async def schedule(api: Api, **fields: object) -> dict[str, object]:
    data = await api.gql(
        CREATE,
        {
            "i": {
                "name": "data-eng",
                "members": [ANA, BEN, CAT],
                "handoffTime": "09:00",
                "lengthDays": 7,
                "timeZone": "Europe/Paris",
                "startDate": "2026-11-02",
            }
            | fields
        },
    )
    return data["createOnCallSchedule"]  # type: ignore[no-any-return]


async def who(api: Api, schedule_id: object, at: int) -> dict[str, object]:
    return (await api.gql(WHO, {"s": schedule_id, "at": at}, role=Role.VIEWER))["whoIsOnCall"]  # type: ignore[no-any-return]


async def test_rotation_hands_over_weekly_at_local_time(api: Api) -> None:
    made = await schedule(api)
    assert made["members"] == [ANA, BEN, CAT]
    assert (made["handoffTime"], made["lengthDays"], made["startDate"]) == (
        "09:00",
        7,
        "2026-11-02",
    )
    sid = made["id"]
    assert (await who(api, sid, paris("2026-11-02T09:00")))["userUrn"] == ANA
    assert (await who(api, sid, paris("2026-11-09T08:59")))["userUrn"] == ANA
    assert (await who(api, sid, paris("2026-11-09T09:00")))["userUrn"] == BEN
    assert (await who(api, sid, paris("2026-11-16T12:00")))["userUrn"] == CAT
    assert (await who(api, sid, paris("2026-11-23T09:00")))["userUrn"] == ANA
    # Before the start, the rotation runs backwards: the last member had the week before.
    assert (await who(api, sid, paris("2026-11-02T08:00")))["userUrn"] == CAT


async def test_overrides_win_while_they_last(api: Api) -> None:
    sid = (await schedule(api))["id"]
    start, end = paris("2026-11-03T18:00"), paris("2026-11-04T08:00")
    assert (await api.gql(OVERRIDE, {"s": sid, "u": CAT, "a": start, "b": end}))[
        "addOnCallOverride"
    ]
    during = await who(api, sid, paris("2026-11-03T23:00"))
    assert (during["userUrn"], during["fromOverride"]) == (CAT, True)
    after = await who(api, sid, end)
    assert (after["userUrn"], after["fromOverride"]) == (ANA, False)


async def test_schedule_refusals_change_nothing(api: Api) -> None:
    sid = (await schedule(api))["id"]
    for fields in (
        {"members": []},
        {"members": ["bob"]},
        {"members": [ANA, ANA]},
        {"members": ["urn:li:corpGroup:eng"]},
        {"handoffTime": "9am"},
        {"lengthDays": 0},
        {"timeZone": "Mars/Base"},
        {"startDate": "last monday"},
        {"name": " "},
    ):
        error = await api.error(CREATE, {"i": {"name": "x", "members": [ANA]} | fields})
        assert error["extensions"]["code"] == "BAD_USER_INPUT", fields
    error = await api.error(CREATE, {"i": {"name": "data-eng", "members": [ANA]}})
    assert error["extensions"]["code"] == "CONFLICT"
    error = await api.error(CREATE, {"i": {"name": "v", "members": [ANA]}}, role=Role.VIEWER)
    assert error["extensions"]["code"] == "FORBIDDEN"
    error = await api.error(OVERRIDE, {"s": sid, "u": BEN, "a": 10, "b": 10})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    error = await api.error(OVERRIDE, {"s": "9999", "u": BEN, "a": 10, "b": 20})
    assert error["extensions"]["code"] == "NOT_FOUND"
    error = await api.error(WHO, {"s": "9999", "at": 0})
    assert error["extensions"]["code"] == "NOT_FOUND"
    error = await api.error(POLICY, {"i": {"name": "p", "onCallScheduleIds": ["9999"]}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # Nothing above changed the schedule: the rotation still answers as before.
    assert (await who(api, sid, paris("2026-11-02T10:00")))["userUrn"] == ANA


async def test_policy_pages_whoever_is_on_call(api_with: ApiWith) -> None:
    async with api_with(**FAST) as api, http_receiver() as receiver:
        today = datetime.now(PARIS).date().isoformat()
        sid = (await schedule(api, name="pager", members=[BEN], startDate=today))["id"]
        hook = await channel(api, "pager-hook", kind="WEBHOOK", url=receiver.url())
        made = await api.gql(
            POLICY, {"i": {"name": "pager", "channelIds": [hook], "onCallScheduleIds": [sid]}}
        )
        assert made["createNotificationPolicy"]["onCallScheduleIds"] == [sid]
        await api.raise_incident(priority="CRITICAL")
        await until(lambda: receiver.accepted)
        assert json.loads(receiver.requests[0].body)["recipients"] == [BEN]


def test_handoff_stays_at_local_time_across_daylight_saving() -> None:
    rotation = Rotation("r", (ANA, BEN), "09:00", 1, "Europe/Paris", date(2026, 3, 27))
    # Paris moves to summer time on 2026-03-29: the handoff stays at 09:00 local.
    assert on_call(rotation, [], paris("2026-03-29T08:59"))[0] == BEN
    assert on_call(rotation, [], paris("2026-03-29T09:00"))[0] == ANA
    assert on_call(rotation, [], paris("2026-03-30T08:59"))[0] == ANA
    assert on_call(rotation, [], paris("2026-03-30T09:00"))[0] == BEN
