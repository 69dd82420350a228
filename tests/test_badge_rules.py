"""The badge's pure rules (what it says for which health entries) and its URL signature."""

from __future__ import annotations

from cryptography.fernet import Fernet

from incident_graph.auth import badge_signature
from incident_graph.config import Settings
from incident_graph.domain.badge import Badge, BadgeColor, HealthEntry, badge
from incident_graph.notify.secrets import Keyring

URN = "urn:li:dataset:(urn:li:dataPlatform:snowflake,orders,PROD)"
PASSING = [
    HealthEntry("INCIDENTS", "PASS", active_count=0),
    HealthEntry("UPSTREAM_INCIDENTS", "PASS"),
]


def _with(*entries: HealthEntry) -> list[HealthEntry]:
    replaced = {e.type for e in entries}
    return [e for e in PASSING if e.type not in replaced] + list(entries)


def test_own_problems_first_then_upstream_then_warnings() -> None:
    assert badge(None) == Badge("data health", "unknown asset", BadgeColor.LIGHTGREY)
    assert badge(PASSING).message == "healthy"
    assert badge(_with(HealthEntry("ASSERTIONS", "PASS"))).color is BadgeColor.BRIGHTGREEN
    warned = badge(_with(HealthEntry("ASSERTIONS", "WARN")))
    assert (warned.message, warned.color) == ("checks warn", BadgeColor.YELLOW)
    upstream = _with(HealthEntry("UPSTREAM_INCIDENTS", "FAIL"), HealthEntry("ASSERTIONS", "WARN"))
    assert (badge(upstream).message, badge(upstream).color) == (
        "unhealthy upstream",
        BadgeColor.ORANGE,
    )
    failing = _with(HealthEntry("UPSTREAM_INCIDENTS", "FAIL"), HealthEntry("ASSERTIONS", "FAIL"))
    assert (badge(failing).message, badge(failing).color) == ("failing checks", BadgeColor.RED)
    both = _with(
        HealthEntry("INCIDENTS", "FAIL", active_count=3), HealthEntry("ASSERTIONS", "FAIL")
    )
    assert badge(both).message == "3 active incidents, failing checks"


def test_signatures_survive_a_key_rotation_and_bind_the_urn() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = Keyring(Settings(secret_key=old))
    after = Keyring(Settings(secret_key=f"{new},{old}"))
    signed = badge_signature.sign(before, URN)
    assert badge_signature.verify(after, URN, signed)
    assert badge_signature.sign(after, URN) != signed  # new URLs use the new key
    assert not badge_signature.verify(after, URN.replace("orders", "orderz"), signed)
    assert not badge_signature.verify(Keyring(Settings(secret_key=new)), URN, signed)
    assert not badge_signature.verify(after, URN, None)
