"""Channel secrets are encrypted at rest, never returned, sealed when old, and rotatable."""

from __future__ import annotations

import json
import stat
from typing import Any

import pytest
from cryptography.fernet import Fernet
from helpers import Api
from notify_receivers import http_receiver, smtp_receiver
from sqlalchemy import insert, select
from test_notify_delivery import (
    CHANNEL,
    FAST,
    SECRET,
    ApiWith,
    channel,
    policy,
    until,
    verify,
)

from incident_graph.config import Settings, SettingsError
from incident_graph.notify.secrets import SecretKeyError, default_key_file
from incident_graph.store.tables import NotificationChannel

# aiosmtpd warns that AUTH without TLS is unsafe: the test server listens on loopback only.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH:UserWarning")
SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXSLACKTOKEN"
SMTP_PASSWORD = "smtp-pa55word"


async def stored(api: Api) -> dict[str, dict[str, Any]]:
    assert api.app is not None
    async with api.app.state.db.reading() as session:
        rows = await session.scalars(select(NotificationChannel))
        return {r.name: dict(r.config) for r in rows}


async def test_secrets_are_encrypted_and_never_returned(
    api_with: ApiWith, settings: Settings
) -> None:
    async with (
        http_receiver() as receiver,
        smtp_receiver(login=("alerts", SMTP_PASSWORD)) as (port, mails),
        api_with(**FAST) as api,
    ):
        created = await api.post(
            CHANNEL,
            {"n": "hook", "d": {"kind": "WEBHOOK", "url": receiver.url(), "secret": SECRET}},
        )
        hook = created.json()["data"]["createNotificationChannel"]
        assert (hook["url"], hook["signed"]) == (f"http://127.0.0.1:{receiver.port}/…", True)
        await channel(api, "slack", kind="SLACK", url=SLACK_URL)
        mail = await channel(
            api,
            "mail",
            kind="EMAIL",
            smtpHost="127.0.0.1",
            smtpPort=port,
            smtpFrom="alerts@example.com",
            smtpUsername="alerts",
            smtpPassword=SMTP_PASSWORD,
            recipients=["ops@example.com"],
        )
        listed = await api.post("{ notificationChannels { id name kind url signed recipients } }")
        assert "XXXXSLACKTOKEN" not in listed.text
        assert SECRET not in listed.text + created.text
        assert SMTP_PASSWORD not in listed.text
        shown = {c["name"]: c["url"] for c in listed.json()["data"]["notificationChannels"]}
        assert shown == {
            "hook": f"http://127.0.0.1:{receiver.port}/…",
            "slack": "https://hooks.slack.com/…",
            "mail": None,
        }
        rows = await stored(api)
        raw = json.dumps(rows)
        for plain in (SECRET, SLACK_URL, SMTP_PASSWORD, receiver.url()):
            assert plain not in raw
        assert rows["hook"]["secret"].startswith("fernet:")
        assert rows["slack"]["url"].startswith("fernet:")
        assert rows["mail"]["smtp_password"].startswith("fernet:")
        assert rows["mail"]["smtp_username"] == "alerts"
        key_file = default_key_file(settings)
        assert key_file.exists()
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        # Still sent, signed and logged in with the decrypted values.
        hook_id = str(hook["id"])
        await policy(api, "all", [hook_id, mail])
        await api.raise_incident()
        await until(lambda: receiver.accepted and mails)
        assert verify(SECRET, receiver.requests[0].headers, receiver.requests[0].body)
        assert mails[0][0] == ["ops@example.com"]


async def _legacy_channel(api: Api, url: str) -> None:
    """A channel as stored before encryption: its secrets in plaintext."""
    assert api.app is not None

    async def unit(session: Any) -> None:
        await session.execute(
            insert(NotificationChannel).values(
                name="legacy",
                kind="WEBHOOK",
                config={"url": url, "secret": SECRET},
                soda_event_names=False,
                created_ms=0,
                created_actor="urn:li:corpuser:admin",
            )
        )

    await api.app.state.writer.run(unit)


async def test_plaintext_rows_are_sealed_and_keys_rotate(
    api_with: ApiWith, settings: Settings
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    async with http_receiver() as receiver:
        async with api_with(**FAST | {"secret_key": old}) as api:
            await _legacy_channel(api, receiver.url())
            # Read-time fallback: a plaintext row still works before it is sealed.
            [legacy] = (await api.gql("{ notificationChannels { id url signed } }"))[
                "notificationChannels"
            ]
            assert legacy["signed"] is True
            assert legacy["url"] == f"http://127.0.0.1:{receiver.port}/…"
        async with api_with(**FAST | {"secret_key": old}) as api:
            sealed = (await stored(api))["legacy"]
            assert sealed["secret"].startswith("fernet:")
            assert sealed["url"].startswith("fernet:")
            assert Fernet(old).decrypt(sealed["secret"].removeprefix("fernet:")) == SECRET.encode()
        # A server with only another key refuses to start, naming the channel.
        with pytest.raises(SecretKeyError, match="legacy"):
            async with api_with(**FAST | {"secret_key": new}):
                pass
        # Rotation: the new key first, the old one after it; the start re-encrypts.
        async with api_with(**FAST | {"secret_key": f"{new},{old}"}) as api:
            rotated = (await stored(api))["legacy"]
            assert Fernet(new).decrypt(rotated["secret"].removeprefix("fernet:")) == SECRET.encode()
        # The old key can go now.
        async with api_with(**FAST | {"secret_key": new}) as api:
            await policy(api, "all", [legacy["id"]])
            await api.raise_incident()
            await until(lambda: receiver.accepted)
            assert verify(SECRET, receiver.requests[0].headers, receiver.requests[0].body)
    # With the key configured, no key file is written.
    assert not default_key_file(settings).exists()


def test_a_bad_key_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="not a Fernet key"):
        Settings.from_env({"INCIDENT_GRAPH_SECRET_KEY": "short"})
    good = Fernet.generate_key().decode()
    assert Settings.from_env({"INCIDENT_GRAPH_SECRET_KEY": f"{good}, {good}"}).secret_key
