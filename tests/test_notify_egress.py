"""Where notifications may connect: refused at channel creation, and again at send time."""

from __future__ import annotations

import pytest
from helpers import Api
from notify_receivers import http_receiver
from test_notify_delivery import CHANNEL, FAST, ApiWith, channel, deliveries, policy, until

from incident_graph.config import Settings, SettingsError
from incident_graph.domain.egress import EgressPolicy

STRICT = FAST | {"notify_allow_private_networks": False, "notify_max_attempts": 5}


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("169.254.169.254", False),
        ("::ffff:169.254.169.254", False),
        ("fe80::1%eth0", False),
        ("fd00:ec2::254", False),
        ("100.100.100.200", False),
        ("127.0.0.1", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - a refused destination, not a bind
        ("224.0.0.1", False),
    ],
)
def test_default_policy_allows_only_public_addresses(address: str, allowed: bool) -> None:
    assert (EgressPolicy().refusal(address) is None) is allowed


def test_private_networks_allowed_but_never_metadata() -> None:
    private = EgressPolicy(allow_private=True)
    for address in ("127.0.0.1", "::1", "10.1.2.3", "192.168.1.1", "fd12::1", "100.64.0.1"):
        assert private.refusal(address) is None, address
    for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "0.0.0.0"):  # noqa: S104
        assert private.refusal(address) is not None, address
    listed = EgressPolicy.of(allow_private=False, allowed=["169.254.169.254/32", "10.20.0.0/16"])
    assert listed.refusal("169.254.169.254") is None
    assert listed.refusal("10.20.3.4") is None
    assert "INCIDENT_GRAPH_NOTIFY_ALLOW_PRIVATE_NETWORKS" in (listed.refusal("10.21.0.1") or "")


async def _refused(api: Api, name: str, url: str, kind: str = "WEBHOOK") -> str:
    error = await api.error(CHANNEL, {"n": name, "d": {"kind": kind, "url": url}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT", (url, error)
    return str(error["message"])


async def test_channel_urls_to_internal_addresses_are_refused(api: Api) -> None:
    metadata = await _refused(api, "m", "http://169.254.169.254/latest/meta-data/")
    assert "link-local" in metadata
    assert "INCIDENT_GRAPH_NOTIFY_ALLOWED_NETWORKS" in metadata
    # The same address spelled as a number, and as an IPv4-mapped IPv6 address.
    assert "169.254.169.254" in await _refused(api, "d", "http://2852039166/", kind="SLACK")
    assert "link-local" in await _refused(api, "v6", "http://[::ffff:169.254.169.254]/x")
    loopback = await _refused(api, "l", "http://127.0.0.1:9/hook", kind="TEAMS")
    assert "loopback" in loopback
    assert "INCIDENT_GRAPH_NOTIFY_ALLOW_PRIVATE_NETWORKS=true" in loopback
    named = await _refused(api, "n", "http://localhost:9/hook")
    assert named.startswith("url http://localhost:9/… is refused: localhost resolves to ")
    assert "loopback" in named
    assert "private address" in await _refused(api, "p", "https://10.1.2.3/hook")
    assert "not an address" in await _refused(api, "z", "http://0.0.0.0:9/")
    data = await api.gql("{ notificationChannels { name } }")
    assert data == {"notificationChannels": []}
    # A public name that does not resolve here is left to the check at send time.
    await channel(api, "public", kind="WEBHOOK", url="https://hooks.example.com/incidents")


async def test_allowances_are_explicit(api_with: ApiWith) -> None:
    async with api_with(notify_allow_private_networks=True) as api:
        await channel(api, "internal", kind="WEBHOOK", url="http://127.0.0.1:9/hook")
        await channel(api, "intranet", kind="WEBHOOK", url="http://10.1.2.3/hook")
        # Private networks allowed still keep metadata services out.
        assert "link-local" in await _refused(api, "m", "http://169.254.169.254/")
    async with api_with(notify_allowed_networks=("169.254.169.254/32",)) as api:
        await channel(api, "listed", kind="WEBHOOK", url="http://169.254.169.254/")
        assert "loopback" in await _refused(api, "l", "http://127.0.0.1:9/")


async def test_send_time_check_refuses_what_creation_allowed(api_with: ApiWith) -> None:
    async with http_receiver() as receiver:
        url = receiver.url().replace("127.0.0.1", "localhost")
        async with api_with(**FAST) as api:
            hook = await channel(api, "local", kind="WEBHOOK", url=url)
            await policy(api, "all", [hook])
        # The same database, served without the allowance (as after a DNS change, or a
        # configuration tightened): the address connected to is checked at every send.
        async with api_with(**STRICT) as api:
            await api.raise_incident()
            [dead] = await until(lambda: deliveries(api, "DEAD"))
        assert receiver.requests == []
        assert dead["attempts"] == 1  # no retry can change the verdict; redeliver can
        assert dead["lastError"].startswith(
            "refused by the egress policy: localhost resolves to 127.0.0.1 ("
        )
        assert "loopback" in dead["lastError"]
        # Allowed again, the dead letter is redelivered.
        async with api_with(**FAST) as api:
            await api.gql(
                "mutation($d: ID!) { redeliver(deliveryId: $d) { id } }", {"d": dead["id"]}
            )
            await until(lambda: receiver.accepted)


def test_egress_and_smtp_settings_from_the_environment() -> None:
    env = {
        "INCIDENT_GRAPH_NOTIFY_ALLOW_PRIVATE_NETWORKS": "true",
        "INCIDENT_GRAPH_NOTIFY_ALLOWED_NETWORKS": "10.20.0.0/16, 127.0.0.1",
        "INCIDENT_GRAPH_SMTP_HOST": "smtp.example.com",
        "INCIDENT_GRAPH_SMTP_PORT": "587",
        "INCIDENT_GRAPH_SMTP_FROM": "incidents@example.com",
        "INCIDENT_GRAPH_SMTP_STARTTLS": "true",
    }
    settings = Settings.from_env(env)
    assert settings.notify_allow_private_networks is True
    assert settings.notify_allowed_networks == ("10.20.0.0/16", "127.0.0.1/32")
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == (
        "smtp.example.com",
        587,
        True,
    )
    assert Settings.from_env({}).notify_allow_private_networks is False
    with pytest.raises(SettingsError, match="NOTIFY_ALLOWED_NETWORKS"):
        Settings.from_env({"INCIDENT_GRAPH_NOTIFY_ALLOWED_NETWORKS": "intranet"})
    with pytest.raises(SettingsError, match="SMTP_FROM"):
        Settings.from_env({"INCIDENT_GRAPH_SMTP_HOST": "smtp.example.com"})
