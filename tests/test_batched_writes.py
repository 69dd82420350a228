"""Batched writes: a group commit of raises or status changes writes each table once, and every
request still gets its own answer; over HTTP, both databases.

Deterministic, no timing: every writer task is held busy while the requests queue their units
one after another, so they run as one group in a known order (`helpers.writer_held`). The
statements are counted on the write engine's connections with a SQLAlchemy event.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any

import pytest
from conftest import running_api
from helpers import Api, new_user, until, writer_held
from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection

from incident_graph.config import Settings
from incident_graph.domain.clock import FixedClock
from incident_graph.domain.enums import IncidentState, Role
from incident_graph.store import Writer
from incident_graph.store.tables import (
    Asset,
    Incident,
    IncidentAsset,
    IncidentAssignee,
    IncidentEvent,
    IncidentSubscriber,
    NotificationEvent,
)

RAISE = "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }"
STATUS = (
    "mutation($u: String!, $s: IncidentStatusInput!, $v: Int) "
    "{ updateIncidentStatus(urn: $u, input: $s, expectedVersion: $v) }"
)
MEMBER = "urn:li:corpuser:mo"
# The tables a raise or a status change writes, and how their statements start.
WRITES = {
    "assets": "INSERT INTO assets ",
    "incidents": "INSERT INTO incidents ",
    "links": "INSERT INTO incident_assets ",
    "events": "INSERT INTO incident_events ",
    "outbox": "INSERT INTO notification_events ",
    "subscribers": "INSERT INTO incident_subscribers ",
    "assignees": "INSERT INTO incident_assignees ",
    "counters": "UPDATE assets SET active_count",
    "incident updates": "UPDATE incidents ",
    "link states": "UPDATE incident_assets ",
}

Call = tuple[str, dict[str, Any], str]


@pytest.fixture
async def api(api_with: Callable[..., AbstractAsyncContextManager[Api]]) -> AsyncIterator[Api]:
    """The app without its delivery worker, whose units would join the groups."""
    async with api_with(notify_worker=False) as client:
        yield client


def asset(name: str) -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:hive,{name},PROD)"


@contextmanager
def statements(api: Api) -> Iterator[list[str]]:
    """The statements the writer's transactions send while inside (reads of requests, which
    PostgreSQL runs in autocommit on the same pool, left out)."""
    assert api.app is not None
    engine = api.app.state.db.write_engine.sync_engine
    seen: list[str] = []

    def on_execute(conn: Connection, *args: Any) -> None:
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            seen.append(" ".join(str(args[1]).split()))

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def counts(seen: list[str]) -> dict[str, int]:
    """How many statements wrote each table (an executemany is one)."""
    return {name: sum(s.startswith(head) for s in seen) for name, head in WRITES.items()}


async def group(api: Api, calls: list[Call]) -> tuple[list[dict[str, Any]], list[str]]:
    """Queue every call's unit, in order, while the writer is held; then let it run them all as
    one group. Returns each call's answer and the statements the group sent."""
    assert api.app is not None
    writer: Writer = api.app.state.writer
    async with writer_held(writer) as release:
        sent = []
        for query, variables, token in calls:
            queued = writer.pending + 1
            sent.append(
                asyncio.ensure_future(
                    api.http.post(
                        "/api/graphql",
                        json={"query": query, "variables": variables},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                )
            )
            await until(
                lambda queued=queued, last=sent[-1]: writer.pending == queued or last.done(),
                "the unit is queued",
            )
        with statements(api) as seen:
            release()
            answers = await asyncio.gather(*sent)
    return [a.json() for a in answers], seen


def raise_call(api: Api, **fields: Any) -> Call:
    return RAISE, {"i": {"type": "OPERATIONAL"} | fields}, api.tokens[Role.EDITOR]


def status_call(api: Api, urn: str, version: int | None = None, **status: Any) -> Call:
    return STATUS, {"u": urn, "s": status, "v": version}, api.tokens[Role.EDITOR]


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or [{}]
    return errors[0].get("extensions", {}).get("code")  # type: ignore[no-any-return]


async def active_counts(api: Api) -> dict[str, tuple[int, int]]:
    """Per asset: its active counter, and the count of ACTIVE links it should equal."""
    assert api.app is not None
    async with api.app.state.db.reading() as session:
        counters = dict((await session.execute(select(Asset.urn, Asset.active_count))).all())
        links = await session.execute(
            select(Asset.urn, IncidentAsset.state).join(
                IncidentAsset, IncidentAsset.asset_id == Asset.id
            )
        )
        truth = dict.fromkeys(counters, 0)
        for urn, state in links:
            truth[urn] += state is IncidentState.ACTIVE
    return {urn: (counters[urn], truth[urn]) for urn in counters}


async def test_a_group_of_raises_writes_each_table_once(api: Api) -> None:
    calls = [
        raise_call(api, title=f"raise {i}", resourceUrn=asset(f"t{i % 6}"), assigneeUrns=[MEMBER])
        for i in range(16)
    ]
    answers, seen = await group(api, calls)

    urns = [a["data"]["raiseIncident"] for a in answers]
    assert len(set(urns)) == 16
    for i, urn in enumerate(urns):
        incident = await api.incident(urn)
        assert (incident["title"], incident["entity"]["urn"]) == (f"raise {i}", asset(f"t{i % 6}"))
        assert incident["assignees"] == [{"__typename": "CorpUser", "urn": MEMBER}]
    assert counts(seen) == {
        "assets": 1,
        "incidents": 1,
        "links": 1,
        "events": 1,
        "outbox": 1,
        "subscribers": 1,
        "assignees": 1,
        "counters": 1,
        "incident updates": 0,
        "link states": 0,
    }
    # One segment: one SAVEPOINT for the sixteen, none of their own.
    assert sum(s.startswith("SAVEPOINT") for s in seen) == 1
    # Several raises on one asset: its counter moved once by all of them.
    counted = await active_counts(api)
    assert {urn: counted[urn] for urn in map(asset, ["t0", "t5"])} == {
        asset("t0"): (3, 3),
        asset("t5"): (2, 2),
    }
    assert all(counter == truth for counter, truth in counted.values())


async def test_a_group_of_raises_with_caller_ids_looks_them_up_once(api: Api, backend: str) -> None:
    calls = [raise_call(api, id=f"cid-{i}", resourceUrn=asset(f"c{i % 6}")) for i in range(16)]
    answers, seen = await group(api, calls)

    assert [a["data"]["raiseIncident"] for a in answers] == [
        f"urn:li:incident:cid-{i}" for i in range(16)
    ]
    # The sixteen URNs looked up with one SELECT (not one each), the stored role once, and
    # the assets' ids once they are registered.
    assert sum(s.startswith("SELECT") for s in seen) == 3
    # Before the look-ups were batched: 27 on SQLite, 26 on PostgreSQL (no BEGIN of its own).
    assert len(seen) == (12 if backend == "sqlite" else 11)


async def test_a_group_of_status_changes_writes_each_table_once(api: Api, backend: str) -> None:
    urns = [await api.raise_incident(resourceUrn=asset(f"s{i % 4}")) for i in range(16)]
    states = ["RESOLVED" if i % 3 else "ACTIVE" for i in range(16)]
    calls = [
        status_call(api, urn, state=state, stage="INVESTIGATION", message=f"note {i}")
        for i, (urn, state) in enumerate(zip(urns, states, strict=True))
    ]
    answers, seen = await group(api, calls)

    assert answers == [{"data": {"updateIncidentStatus": "true"}}] * 16
    for i, urn in enumerate(urns):
        incident = await api.incident(urn)
        assert incident["incidentStatus"]["state"] == states[i]
        assert incident["incidentStatus"]["message"] == f"note {i}"
        assert incident["version"] == 2
    assert counts(seen) == {
        "assets": 0,
        "incidents": 0,
        "links": 0,
        "events": 1,
        "outbox": 1,
        "subscribers": 1,  # the editor becomes the lead of each, so subscribed
        "assignees": 0,
        "counters": 1,
        "incident updates": 1,  # changes of two shapes (resolving, still active) in one
        "link states": 1,
    }
    # The reads: the sixteen incidents (locked), their assets and their assignees with one
    # SELECT each, and the stored role once.
    assert [s.split(" FROM ")[1].split()[0] for s in seen if s.startswith("SELECT")] == [
        "incidents",
        "incident_assets",
        "incident_assignees",
        "users",
    ]
    # Statements of the group, BEGIN (SQLite's; asyncpg's is implicit), SAVEPOINT and RELEASE
    # included: 192 and 191 one by one; 58 and 57 with only the writes batched.
    assert len(seen) == (13 if backend == "sqlite" else 12)
    assert all(counter == truth for counter, truth in (await active_counts(api)).values())


async def test_later_units_of_a_group_see_what_earlier_ones_wrote(api: Api) -> None:
    """A status change of an incident raised earlier in the same group, and two changes of
    one incident, each see what came before them; the counters follow every step."""
    first = await api.raise_incident(resourceUrn=asset("shared"), title="first")
    calls = [
        raise_call(api, id="fresh", title="fresh", resourceUrn=asset("shared")),
        raise_call(api, title="other", resourceUrn=asset("shared")),
        status_call(api, "urn:li:incident:fresh", state="RESOLVED", message="quick"),
        status_call(api, first, state="RESOLVED", message="done"),
        status_call(api, first, version=2, state="ACTIVE", stage="WORK_IN_PROGRESS"),
        status_call(api, "urn:li:incident:fresh", state="ACTIVE", message="back"),
        raise_call(api, title="last", resourceUrn=asset("shared")),
    ]
    answers, _ = await group(api, calls)

    assert [code(a) for a in answers] == [None] * 7, answers
    fresh = await api.incident("urn:li:incident:fresh")
    assert (fresh["incidentStatus"]["state"], fresh["incidentStatus"]["message"]) == (
        "ACTIVE",
        "back",
    )
    assert fresh["version"] == 3
    again = await api.incident(first)
    assert (again["incidentStatus"]["state"], again["incidentStatus"]["stage"]) == (
        "ACTIVE",
        "WORK_IN_PROGRESS",
    )
    assert again["version"] == 3
    # first, fresh, other and last are all active on the one asset.
    assert (await active_counts(api))[asset("shared")] == (4, 4)
    assert (await api.health(asset("shared")))["activeIncidentHealthDetails"]["count"] == 4


async def test_refused_units_cost_only_themselves(api: Api) -> None:
    member = await new_user(api, "mo", "MEMBER")
    unresolved = await api.raise_incident(resourceUrn=asset("r1"), title="stays")
    moved_on = await api.raise_incident(resourceUrn=asset("r1"), title="moved on")
    await api.resolve(moved_on)
    resolved = await api.raise_incident(resourceUrn=asset("r2"), title="to resolve")
    await api.raise_incident(id="taken", resourceUrn=asset("r2"), title="taken")
    before = {u: await api.incident(u) for u in (unresolved, moved_on)}
    calls = [
        raise_call(api, title="good one", resourceUrn=asset("r1")),
        (RAISE, {"i": {"type": "OPERATIONAL", "resourceUrn": asset("forbidden")}}, member),
        status_call(api, "urn:li:incident:missing", state="RESOLVED", message="gone"),
        status_call(api, unresolved, state="RESOLVED"),  # no resolution note
        status_call(api, moved_on, version=1, state="ACTIVE"),  # it is at version 2
        raise_call(api, id="taken", title="other content", resourceUrn=asset("r2")),
        status_call(api, resolved, state="RESOLVED", message="fixed"),
        raise_call(api, title="good two", resourceUrn=asset("r1")),
    ]
    answers, seen = await group(api, calls)

    assert [code(a) for a in answers] == [
        None,
        "FORBIDDEN",
        "NOT_FOUND",
        "BAD_USER_INPUT",
        "CONFLICT",
        "CONFLICT",
        None,
        None,
    ], answers
    # The refused changed nothing: no asset registered, no incident moved, nothing recorded.
    assert (
        await api.gql("query($u: String!) { dataset(urn: $u) { urn } }", {"u": asset("forbidden")})
    )["dataset"] is None
    assert {u: await api.incident(u) for u in before} == before
    assert (await api.incident("urn:li:incident:taken"))["title"] == "taken"
    # The others committed, their writes still batched.
    for answer, title in ((answers[0], "good one"), (answers[7], "good two")):
        assert (await api.incident(answer["data"]["raiseIncident"]))["title"] == title
    assert (await api.incident(resolved))["incidentStatus"]["state"] == "RESOLVED"
    assert {k: counts(seen)[k] for k in ("incidents", "events", "outbox", "incident updates")} == {
        "incidents": 1,
        "events": 1,
        "outbox": 1,
        "incident updates": 1,
    }
    assert (await active_counts(api))[asset("r1")] == (3, 3)
    audit = await api.gql(
        "{ auditLog(count: 100) { entries { actor operation allowed } } }", role=Role.ADMIN
    )
    assert {"actor": MEMBER, "operation": "raiseIncident", "allowed": False} in audit["auditLog"][
        "entries"
    ]


async def test_a_demotion_between_raises_of_a_group_decides_the_later_ones(api: Api) -> None:
    """The stored role is read once per segment of batched units; a role change (a unit of
    its own) ends the segment, so the raises after it read the new role."""
    member = await new_user(api, "mo", "MEMBER")
    await api.gql(
        "mutation($i: PrivilegeGrantInput!) { grantPrivilege(input: $i) { id } }",
        {"i": {"granteeUrn": MEMBER, "scope": "ASSET", "resource": asset("m")}},
        role=Role.ADMIN,
    )
    mine = {"i": {"type": "OPERATIONAL", "resourceUrn": asset("m"), "title": "mine"}}
    demote = f'mutation {{ setUserRole(urn: "{MEMBER}", role: VIEWER) }}'
    answers, _ = await group(
        api,
        [
            (RAISE, mine, member),
            (RAISE, mine, member),
            (demote, {}, api.tokens[Role.ADMIN]),
            (RAISE, mine, member),
            (RAISE, mine, member),
        ],
    )
    assert [code(a) for a in answers] == [None, None, None, "FORBIDDEN", "FORBIDDEN"], answers
    assert (await api.asset_incidents(asset("m")))["total"] == 2


REFUSED = "refused by the database"


@asynccontextmanager
async def refused_by_the_database(api: Api, backend: str, column: str) -> AsyncIterator[None]:
    """Triggers that refuse an incident row whose `column` is REFUSED (inserted or updated),
    as a constraint no check of ours knows of would."""
    assert api.app is not None
    if backend == "sqlite":
        create = [
            f"CREATE TRIGGER refuse_{op} BEFORE {op} ON incidents WHEN NEW.{column} = '{REFUSED}' "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
            for op in ("INSERT", "UPDATE")
        ]
        drop = ["DROP TRIGGER refuse_INSERT", "DROP TRIGGER refuse_UPDATE"]
    else:
        create = [
            (
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.{column} = '{REFUSED}' THEN RAISE EXCEPTION '{REFUSED}' "
                "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            ),
            (
                "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON incidents "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            ),
        ]
        drop = ["DROP TRIGGER refuse ON incidents", "DROP FUNCTION refuse()"]
    engine = api.app.state.db.write_engine
    async with engine.begin() as connection:
        for statement in create:
            await connection.execute(text(statement))
    try:
        yield
    finally:
        # PostgreSQL test databases are emptied and reused: the triggers must not outlive us.
        async with engine.begin() as connection:
            for statement in drop:
                await connection.execute(text(statement))


async def test_a_batch_the_database_refuses_falls_back_to_one_by_one(
    api: Api, backend: str
) -> None:
    async with refused_by_the_database(api, backend, "title"):
        alone = await api.error(
            RAISE, {"i": {"type": "OPERATIONAL", "title": REFUSED, "resourceUrn": asset("f0")}}
        )
        calls = [
            raise_call(api, title="before", resourceUrn=asset("f1")),
            raise_call(api, title=REFUSED, resourceUrn=asset("f2")),
            raise_call(api, title="after", resourceUrn=asset("f1")),
            raise_call(api, title="last", resourceUrn=asset("f3")),
        ]
        answers, seen = await group(api, calls)

    # The refused raise gets the answer it gets alone; the others commit.
    assert answers[1]["errors"][0]["message"] == alone["message"]
    assert code(answers[1]) == alone["extensions"]["code"] == "CONFLICT"
    for answer, title in zip(
        [answers[0], answers[2], answers[3]], ["before", "after", "last"], strict=True
    ):
        assert (await api.incident(answer["data"]["raiseIncident"]))["title"] == title
    # Tried as one batch, then each unit in its own SAVEPOINT.
    assert counts(seen)["incidents"] == 1 + 4
    assert sum(s.startswith("SAVEPOINT") for s in seen) == 1 + 4
    found = await api.gql("query($u: String!) { dataset(urn: $u) { urn } }", {"u": asset("f2")})
    assert found["dataset"] is None
    counted = await active_counts(api)
    assert (counted[asset("f1")], counted[asset("f3")]) == ((2, 2), (1, 1))


# A group's requests in the order they are queued: raises of every shape the service knows
# (assignees, several assets, a status given, already resolved), then status changes of
# them, one of an incident raised in the same group and two of one incident.
def _script(tag: str) -> list[list[tuple[str, dict[str, Any]]]]:
    def on(name: str) -> str:
        return asset(f"{tag}.{name}")

    def inc(n: int) -> str:
        return f"urn:li:incident:{tag}-{n}"

    raises = [
        {
            "id": f"{tag}-1",
            "title": "one",
            "resourceUrn": on("a"),
            "priority": "CRITICAL",
            "assigneeUrns": ["urn:li:corpuser:ann", "urn:li:corpGroup:ops"],
        },
        {
            "id": f"{tag}-2",
            "title": "two",
            "resourceUrns": [on("a"), on("b")],
            "status": {"state": "ACTIVE", "stage": "INVESTIGATION", "message": "looking"},
        },
        {
            "id": f"{tag}-3",
            "title": "three",
            "resourceUrn": on("b"),
            "status": {"state": "RESOLVED", "message": "already fixed"},
        },
        {"id": f"{tag}-4", "title": "four", "resourceUrn": on("a"), "startedAt": 1000},
    ]
    first = [(RAISE, {"i": {"type": "OPERATIONAL"} | r}) for r in raises] + [
        (STATUS, {"u": inc(1), "s": {"state": "ACTIVE", "stage": "INVESTIGATION"}})
    ]
    second = [
        (STATUS, {"u": inc(1), "s": {"state": "RESOLVED", "message": "fixed"}}),
        (STATUS, {"u": inc(2), "s": {"state": "ACTIVE", "stage": "WORK_IN_PROGRESS"}}),
        (STATUS, {"u": inc(3), "s": {"state": "ACTIVE", "message": "back"}}),
        (STATUS, {"u": inc(4), "s": {"state": "RESOLVED", "message": "gone"}}),
        (STATUS, {"u": inc(4), "s": {"state": "ACTIVE", "message": "not gone"}}),
    ]
    return [first, second]


async def _written(api: Api, tag: str) -> str:
    """Every row the tag's incidents wrote, in write order, with the tag taken out."""
    assert api.app is not None
    mine = Incident.urn.like(f"urn:li:incident:{tag}-%")
    async with api.app.state.db.reading() as session:
        ids = dict((await session.execute(select(Incident.id, Incident.urn).where(mine))).all())
        # Not the id, and not the fingerprint: a hash of the content, which names the tag.
        incidents = [
            {
                a.key: getattr(row, a.key)
                for a in Incident.__mapper__.column_attrs
                if a.key not in {"id", "fingerprint"}
            }
            for row in await session.scalars(select(Incident).where(mine).order_by(Incident.id))
        ]

        async def rows(*columns: Any, order: Any) -> list[list[Any]]:
            table = columns[0].class_
            found = await session.execute(
                select(table.incident_id, *columns)
                .where(table.incident_id.in_(ids))
                .order_by(*order)
            )
            return [[ids[first], *rest] for first, *rest in found]

        written = {
            "incidents": incidents,
            "links": await rows(
                IncidentAsset.position,
                IncidentAsset.state,
                IncidentAsset.created_ms,
                select(Asset.urn).where(Asset.id == IncidentAsset.asset_id).scalar_subquery(),
                order=[IncidentAsset.incident_id, IncidentAsset.position],
            ),
            "assignees": await rows(
                IncidentAssignee.assignee_urn,
                IncidentAssignee.position,
                order=[IncidentAssignee.incident_id, IncidentAssignee.position],
            ),
            "subscribers": await rows(
                IncidentSubscriber.user_urn,
                IncidentSubscriber.reason,
                IncidentSubscriber.created_ms,
                order=[IncidentSubscriber.incident_id, IncidentSubscriber.user_urn],
            ),
            "timeline": await rows(
                IncidentEvent.kind,
                IncidentEvent.actor,
                IncidentEvent.time_ms,
                IncidentEvent.payload,
                IncidentEvent.moved_to,
                order=[IncidentEvent.id],
            ),
            "outbox": await rows(
                NotificationEvent.kind,
                NotificationEvent.payload,
                NotificationEvent.created_ms,
                NotificationEvent.dispatched,
                order=[NotificationEvent.id],
            ),
            "counters": [
                list(row)
                for row in await session.execute(
                    select(Asset.urn, Asset.active_count, Asset.name, Asset.platform)
                    .where(Asset.urn.like(f"%,{tag}.%"))
                    .order_by(Asset.urn)
                )
            ],
        }
    return json.dumps(written, default=str, sort_keys=True).replace(tag, "TAG")


async def test_a_batch_writes_what_units_run_one_at_a_time_write(settings: Settings) -> None:
    """Timeline, outbox, subscribers, links and counters are the same, row for row, whether
    the writes ran batched or one at a time (as they did before batching)."""
    clock = FixedClock(1_780_000_000_000)
    async with running_api(settings.with_overrides(notify_worker=False), clock=clock) as api:
        editor = api.tokens[Role.EDITOR]
        for step in _script("batched"):
            answers, seen = await group(api, [(q, v, editor) for q, v in step])
            assert [code(a) for a in answers] == [None] * len(step), answers
            assert counts(seen)["events"] <= 2  # batched (two segments where units meet)
        for step in _script("single"):
            for query, variables in step:
                await api.gql(query, variables)
        assert await _written(api, "batched") == await _written(api, "single")


async def test_status_changes_the_database_refuses_fall_back_to_one_by_one(
    api: Api, backend: str
) -> None:
    urns = [await api.raise_incident(resourceUrn=asset(f"u{i % 2}")) for i in range(5)]
    async with refused_by_the_database(api, backend, "status_message"):
        alone = await api.error(
            STATUS, {"u": urns[4], "s": {"state": "RESOLVED", "message": REFUSED}}
        )
        calls = [
            status_call(api, urns[0], state="RESOLVED", message="fixed"),
            status_call(api, urns[1], state="RESOLVED", message=REFUSED),
            status_call(api, urns[2], state="RESOLVED", message="fixed"),
            status_call(api, urns[3], state="ACTIVE", stage="INVESTIGATION"),
        ]
        answers, seen = await group(api, calls)

    assert answers[1]["errors"][0]["message"] == alone["message"]
    assert code(answers[1]) == alone["extensions"]["code"] == "CONFLICT"
    assert [answers[i] for i in (0, 2, 3)] == [{"data": {"updateIncidentStatus": "true"}}] * 3
    states = [(await api.incident(u))["incidentStatus"]["state"] for u in urns]
    assert states == ["RESOLVED", "ACTIVE", "RESOLVED", "ACTIVE", "ACTIVE"]
    assert (await api.incident(urns[1]))["version"] == 1
    # Tried as one batch, then each unit in its own SAVEPOINT.
    assert counts(seen)["incident updates"] == 1 + 4
    counted = await active_counts(api)
    # u0: incidents 0 and 2 resolved, 4 active; u1: 1 (refused) and 3 still active.
    assert (counted[asset("u0")], counted[asset("u1")]) == ((1, 1), (2, 2))


# A group of status changes and raises of the incidents `_script`'s first step raised (who,
# query, variables; the code the request gets), in two segments (the second starts where a raise
# meets the first change's key). Refusals among them: an incident that does not exist, no
# resolution note, a member without the privilege, a caller id taken with other content, a
# version the first segment moved past; beside them a member with the privilege (their check
# reads the incident's assets), a retried raise, a new one and a change of it.
def _mixed(tag: str) -> list[tuple[str, str, dict[str, Any], str | None]]:
    def inc(n: int) -> str:
        return f"urn:li:incident:{tag}-{n}"

    def status(n: int, version: int | None = None, **given: str) -> dict[str, Any]:
        return {"u": inc(n), "s": given, "v": version}

    def raised(n: int, name: str, title: str, **extra: Any) -> dict[str, Any]:
        i = {"type": "OPERATIONAL", "id": f"{tag}-{n}", "title": title} | extra
        return {"i": i | {"resourceUrn": asset(f"{tag}.{name}")}}

    return [
        ("editor", STATUS, status(1, state="RESOLVED", message="fixed"), None),
        ("editor", STATUS, status(9, state="RESOLVED", message="gone"), "NOT_FOUND"),
        ("editor", STATUS, status(4, state="RESOLVED"), "BAD_USER_INPUT"),
        ("member", STATUS, status(2, state="RESOLVED", message="mine"), "FORBIDDEN"),
        ("member", STATUS, status(3, 1, state="ACTIVE", stage="INVESTIGATION"), None),
        ("editor", RAISE, raised(5, "b", "five"), None),
        ("editor", RAISE, raised(1, "a", "not one"), "CONFLICT"),
        ("editor", RAISE, raised(4, "a", "four", startedAt=1000), None),
        ("editor", STATUS, status(5, state="RESOLVED", message="quick"), None),
        ("editor", STATUS, status(2, 1, state="ACTIVE", stage="WORK_IN_PROGRESS"), None),
        ("editor", STATUS, status(3, 1, state="RESOLVED", message="late"), "CONFLICT"),
    ]


async def test_a_group_with_refusals_answers_and_writes_as_one_at_a_time(
    settings: Settings,
) -> None:
    """Each request of a mixed group, refused or not, gets the answer it gets alone, and the
    rows written are the same, whether the group's reads and writes ran batched or not."""
    clock = FixedClock(1_780_000_000_000)
    async with running_api(settings.with_overrides(notify_worker=False), clock=clock) as api:
        tokens = {"editor": api.tokens[Role.EDITOR], "member": await new_user(api, "mo", "MEMBER")}
        answered: dict[str, list[str]] = {}
        for tag in ("batched", "single"):
            await api.gql(
                "mutation($i: PrivilegeGrantInput!) { grantPrivilege(input: $i) { id } }",
                {"i": {"granteeUrn": MEMBER, "scope": "ASSET", "resource": asset(f"{tag}.b")}},
                role=Role.ADMIN,
            )
            for query, variables in _script(tag)[0]:
                await api.gql(query, variables)
            mixed = _mixed(tag)
            calls = [(query, variables, tokens[who]) for who, query, variables, _ in mixed]
            if tag == "batched":
                answers, seen = await group(api, calls)
                # Two segments, each with one read of its incidents' assignees.
                assert sum(s.startswith("SELECT incident_assignees") for s in seen) == 2
            else:
                answers = [
                    (
                        await api.http.post(
                            "/api/graphql",
                            json={"query": query, "variables": variables},
                            headers={"Authorization": f"Bearer {token}"},
                        )
                    ).json()
                    for query, variables, token in calls
                ]
            assert [code(a) for a in answers] == [c for *_, c in mixed], answers
            answered[tag] = [json.dumps(a, sort_keys=True).replace(tag, "TAG") for a in answers]
        assert answered["batched"] == answered["single"]
        assert await _written(api, "batched") == await _written(api, "single")
