"""Users and teams: names, display names and email addresses, checked before storing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from incident_graph.domain import limits
from incident_graph.domain.errors import BadUserInputError
from incident_graph.urns import InvalidUrnError, parse_actor_urn

GROUP_PREFIX: Final = "urn:li:corpGroup:"
USER_PREFIX: Final = "urn:li:corpuser:"
MAX_DISPLAY_NAME: Final = limits.NAME
# Deliberately loose: one @, something on each side, no spaces. Mail servers decide the rest.
_EMAIL = re.compile(r"^[^@\s]{1,200}@[^@\s]{1,118}$")


@dataclass(frozen=True, slots=True)
class PersonSpec:
    name: str
    display_name: str | None
    email: str | None


def name_of(urn_or_name: str, *, group: bool) -> str:
    """The bare name of a user or group given as a name or its URN; BAD_USER_INPUT if invalid."""
    prefix = GROUP_PREFIX if group else USER_PREFIX
    other = USER_PREFIX if group else GROUP_PREFIX
    what = "group" if group else "user"
    if urn_or_name.startswith(other):
        raise BadUserInputError(f"{urn_or_name!r} is not a {what}; use {prefix}<name>")
    name = urn_or_name.removeprefix(prefix)
    try:
        parse_actor_urn(prefix + name)
    except InvalidUrnError as exc:
        raise BadUserInputError(
            f"bad {what} name {name!r}: 1-200 characters, no spaces, commas or parentheses"
        ) from exc
    return name


def build_person(
    *, name: str, display_name: str | None, email: str | None, group: bool
) -> PersonSpec:
    """A user or group to create, with its optional display name (and a user's email)."""
    bare = name_of(name, group=group)
    shown = display_name.strip() if display_name else None
    if shown is not None and len(shown) > MAX_DISPLAY_NAME:
        raise BadUserInputError(
            f"display name is {len(shown)} characters; the limit is {MAX_DISPLAY_NAME}",
            field="displayName",
        )
    mail = email.strip() if email else None
    if mail is not None and not _EMAIL.match(mail):
        raise BadUserInputError(
            f"email {mail!r} is not an address like name@example.com", field="email"
        )
    return PersonSpec(bare, shown or None, mail)


MAX_USER_QUERY: Final = 320  # as long as the longest email address


def check_user_query(query: str | None) -> str | None:
    """listUsers' text query, trimmed; None (or blank) lists everyone."""
    text = (query or "").strip()
    if len(text) > MAX_USER_QUERY:
        raise BadUserInputError(
            f"query is {len(text)} characters long; the limit is {MAX_USER_QUERY}", field="query"
        )
    if "\x00" in text:
        raise BadUserInputError("query holds a NUL character; remove it", field="query")
    return text or None
