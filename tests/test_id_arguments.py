"""Id arguments take only the ids the API hands out: ASCII digits that fit the id column.

Found by the fuzzer: `int()` read "¹" (it passes str.isdigit, then int() fails: INTERNAL), and
a 30-digit id overflowed SQLite's driver (OverflowError: INTERNAL) where PostgreSQL refused it.
"""

from __future__ import annotations

import pytest
from helpers import Api

from incident_graph.domain.enums import Role

BAD_IDS = ["¹", "9" * 30, " 7", "1_0", "٣", "-1", ""]

# (operation, variables builder) for each id argument.
OPERATIONS = [
    (
        "raiseIncident checkResultIds",
        (
            "mutation($i: String!) { raiseIncident(input: {type: OPERATIONAL, "
            'resourceUrn: "urn:li:dataset:(a,b,PROD)", checkResultIds: [$i]}) }'
        ),
    ),
    (
        "editIncidentComment",
        (
            'mutation($i: String!) { editIncidentComment(urn: "urn:li:incident:base", '
            'commentId: $i, text: "x") }'
        ),
    ),
    (
        "linkCheckResults",
        (
            'mutation($i: String!) { linkCheckResults(urn: "urn:li:incident:base", '
            "checkResultIds: [$i]) }"
        ),
    ),
    ("revokeAccessToken", "mutation($i: ID!) { revokeAccessToken(id: $i) }"),
    ("redeliver", "mutation($i: ID!) { redeliver(deliveryId: $i) { id } }"),
    ("whoIsOnCall", "query($i: ID!) { whoIsOnCall(schedule: $i) { userUrn } }"),
]


@pytest.mark.parametrize(("name", "document"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
async def test_an_id_that_is_not_one_is_bad_user_input(api: Api, name: str, document: str) -> None:
    await api.raise_incident(id="base")
    for bad in BAD_IDS:
        error = await api.error(document, {"i": bad}, role=Role.ADMIN)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (name, bad, error)
