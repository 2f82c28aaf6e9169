"""What other apps know about one household, for the roster's household page.

The roster sits below the apps that hold a household's visits, ballots, cost shares and suggestions,
so it cannot ask them; each of them registers a provider here (at import of its `queries`), and the
household page lists what the providers return for the user looking, within that user's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class HouseholdLink:
    """One line on the household page: what it is, a short fact about it, where it leads."""

    section: str  # "visits", "ballots", "shares", "suggestions": the heading it is listed under
    label: str
    detail: str
    url: str


Provider = Callable[[Any, models.Model], list[HouseholdLink]]  # (user, household) → links in the user's scope
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, on a re-import) the provider `name`."""
    _providers[name] = provider


def links_for(user: Any, household: models.Model) -> dict[str, list[HouseholdLink]]:
    """Every provider's links for this household, grouped by section."""
    grouped: dict[str, list[HouseholdLink]] = {}
    for name in sorted(_providers):
        for link in _providers[name](user, household):
            grouped.setdefault(link.section, []).append(link)
    return grouped
