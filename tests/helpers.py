"""A small GraphQL client over httpx for the tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette

from incident_graph.domain.enums import Role
from incident_graph.store import Writer

DATASET = "urn:li:dataset:(urn:li:dataPlatform:kafka,SampleKafkaDataset,PROD)"


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a state the test itself brings about (not for time to pass)."""
    for _ in range(6_000):  # 30 s: requests can be slow on a loaded machine
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


@asynccontextmanager
async def writer_held(writer: Writer) -> AsyncIterator[Callable[[], None]]:
    """Occupy every writer task with a unit that waits; yields the function that lets go."""
    release = asyncio.Event()
    held: list[asyncio.Task[None]] = []
    for _ in range(writer.concurrency):
        started = asyncio.Event()

        async def wait(_: AsyncSession, started: asyncio.Event = started) -> None:
            started.set()
            await release.wait()

        held.append(asyncio.create_task(writer.run(wait)))
        # Each waits in its own task: the next one queued goes to an idle writer task.
        await asyncio.wait_for(started.wait(), 30)
    try:
        yield release.set
    finally:
        release.set()
        await asyncio.gather(*held)


@dataclass(slots=True)
class TickingClock:
    """A clock that moves one millisecond at each reading: every write gets its own time, so
    orders and time windows are exact without sleeping between writes."""

    at_ms: int

    def __call__(self) -> int:
        self.at_ms += 1
        return self.at_ms


@dataclass
class Api:
    http: httpx.AsyncClient
    tokens: dict[Role, str]
    app: Starlette | None = None

    @classmethod
    @asynccontextmanager
    async def connect(cls, app: Starlette, tokens: dict[Role, str]) -> AsyncIterator[Api]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield cls(http=http, tokens=tokens, app=app)

    def headers(self, role: Role | None = Role.EDITOR) -> dict[str, str]:
        return {} if role is None else {"Authorization": f"Bearer {self.tokens[role]}"}

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: Role | None = Role.EDITOR,
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return await self.http.post("/api/graphql", json=body, headers=self.headers(role))

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: Role | None = Role.EDITOR,
    ) -> dict[str, Any]:
        """Run an operation that must succeed; returns `data`."""
        response = await self.post(query, variables, role=role)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def error(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: Role | None = Role.EDITOR,
    ) -> dict[str, Any]:
        """Run an operation that must fail; returns its first error."""
        response = await self.post(query, variables, role=role)
        body = response.json()
        assert body.get("errors"), body
        return body["errors"][0]

    async def raise_incident(self, **fields: Any) -> str:
        payload: dict[str, Any] = {"type": "OPERATIONAL", "resourceUrn": DATASET} | fields
        data = await self.gql(
            "mutation($input: RaiseIncidentInput!) { raiseIncident(input: $input) }",
            {"input": payload},
        )
        return str(data["raiseIncident"])

    async def resolve(self, urn: str, message: str = "fixed") -> None:
        await self.gql(
            "mutation($urn: String!, $input: IncidentStatusInput!) "
            "{ updateIncidentStatus(urn: $urn, input: $input) }",
            {"urn": urn, "input": {"state": "RESOLVED", "message": message}},
        )

    async def incident(self, urn: str) -> dict[str, Any]:
        data = await self.gql(
            """query($urn: String!) { incident(urn: $urn) {
                urn type incidentType customType title description priority startedAt version
                incidentStatus { state stage message lastUpdated { time actor } }
                status { state }
                assignees { __typename ... on CorpUser { urn } ... on CorpGroup { urn } }
                entity { urn type }
                entities { urn type }
                source { type source { urn type } }
                created { time actor }
            } }""",
            {"urn": urn},
        )
        return data["incident"]  # type: ignore[no-any-return]

    async def asset_incidents(
        self, urn: str = DATASET, args: str = "", entity: str = "dataset"
    ) -> dict[str, Any]:
        data = await self.gql(
            f"""query($urn: String!) {{ {entity}(urn: $urn) {{
                incidents{f"({args})" if args else ""} {{ start count total incidents {{ urn title }} }}
            }} }}""",
            {"urn": urn},
        )
        return data[entity]["incidents"]  # type: ignore[no-any-return]

    async def health(self, urn: str = DATASET, entity: str = "dataset") -> dict[str, Any]:
        data = await self.gql(
            f"""query($urn: String!) {{ {entity}(urn: $urn) {{ health {{
                type status message causes
                activeIncidentHealthDetails {{
                    count latestIncidentUrn latestIncidentTitle lastActivityAt activeIncidentUrns
                }}
            }} }} }}""",
            {"urn": urn},
        )
        return data[entity]["health"][0]  # type: ignore[no-any-return]


async def new_user(api: Api, name: str, role: str) -> str:
    """A new user `urn:li:corpuser:<name>` with `role` (a Role's GraphQL name), and a token of
    their own; they hold no grant yet."""
    await api.gql(
        "mutation($i: CreateUserInput!) { createUser(input: $i) { urn } }",
        {"i": {"name": name, "role": role}},
        role=Role.ADMIN,
    )
    made = await api.gql(
        'mutation($u: String) { createAccessToken(name: "t", userUrn: $u) { accessToken } }',
        {"u": f"urn:li:corpuser:{name}"},
        role=Role.ADMIN,
    )
    return str(made["createAccessToken"]["accessToken"])
