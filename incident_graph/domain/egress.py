"""Which addresses notifications may connect to. Pure: the caller resolves names.

A channel's URL is chosen by whoever has an editor token, so without a rule the server would
post wherever it is told: to a cloud metadata service, to its own admin ports, to internal
hosts. Public addresses are always allowed; private networks (loopback included) only when
the deployment says so; link-local and metadata addresses only when a network listed
explicitly covers them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Final

# Metadata services outside 169.254.0.0/16: Alibaba's, and AWS's IPv6 one (inside fc00::/7).
METADATA: Final = frozenset(
    ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
# Carrier-grade NAT space: not "private" to Python, but never the public internet either.
SHARED: Final = ip_network("100.64.0.0/10")

PRIVATE_SETTING: Final = "INCIDENT_GRAPH_NOTIFY_ALLOW_PRIVATE_NETWORKS"
ALLOWED_SETTING: Final = "INCIDENT_GRAPH_NOTIFY_ALLOWED_NETWORKS"


@dataclass(frozen=True, slots=True)
class EgressPolicy:
    allow_private: bool = False
    allowed: tuple[IPv4Network | IPv6Network, ...] = ()

    @classmethod
    def of(cls, *, allow_private: bool, allowed: Iterable[str]) -> EgressPolicy:
        return cls(allow_private, tuple(ip_network(n, strict=False) for n in allowed))

    def refusal(self, address: str) -> str | None:  # noqa: PLR0911 - one answer per kind
        """Why `address` may not be connected to, or None when it may."""
        ip: IPv4Address | IPv6Address = ip_address(address.split("%", 1)[0])
        if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in network for network in self.allowed):
            return None
        explicit = f"list it in {ALLOWED_SETTING} to allow it"
        if ip in METADATA or ip.is_link_local:
            return f"{ip} is link-local, where cloud metadata services answer; {explicit}"
        if ip.is_unspecified or ip.is_multicast:
            return f"{ip} is not an address a notification can be sent to; {explicit}"
        if ip.is_loopback or ip.is_private or ip in SHARED:
            if self.allow_private:
                return None
            what = "loopback" if ip.is_loopback else "a private address"
            return f"{ip} is {what}; set {PRIVATE_SETTING}=true or {explicit}"
        if ip.is_global:
            return None
        return f"{ip} is not a public address; {explicit}"


__all__ = ["ALLOWED_SETTING", "PRIVATE_SETTING", "EgressPolicy"]
