"""共建共治 API: public endpoints for residents (send and follow a suggestion, read published notices)
and scoped endpoints for staff (suggestions, notices, meetings, visits, the party network).

Scoped like the pages, through the same `participation.access` functions: anything outside the
caller's scope is a 404, a write beyond the role a 403. Public answers carry no personal data.
One module per page module; the URLs and operation ids are those of the former single `api.py`.
"""

from __future__ import annotations

from ninja import Router

from anju.participation.api import meetings, notices, party, public, suggestions, visits

router = Router(tags=["participation 共建共治"])
for part in (public, suggestions, notices, meetings, visits, party):
    router.add_router("", part.router)
