"""A "这里不对" suggestion leads staff back to the figure it is about: the suggestion's page links to the
statement's staff page at that figure's row."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from anju.participation import queries as participation
from anju.participation.models import Suggestion
from anju.stewardship.services import disclosure as services
from anju.stewardship.services import fund
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_suggestion_page_links_back_to_the_figure(client, world, staff_a):
    account = fund.fund_open(compound=world.compound_a, opened_on=D(2024, 3, 1), actor=SYSTEM)
    fund.entry_book(ledger=account.ledgers.get(), kind="interest", amount_yuan="1000.00", booked_on=D(2024, 12, 21),
                    document_kind="bank_slip", document_ref="YH-2", actor=SYSTEM)
    d = services.disclosure_generate(compound=world.compound_a, kind="fund", period_start=D(2024, 1, 1), actor=SYSTEM,
                                     today=D(2026, 3, 1))
    services.disclosure_publish(disclosure=d, actor=SYSTEM)
    client.post(reverse("stewardship:disclosure_wrong", args=[d.pk]), {"figure": "interest", "body": "利息不对"})
    s = Suggestion.objects.get()
    client.force_login(staff_a)
    page = client.get(reverse("participation:suggestion", args=[s.pk])).content.decode()
    target = f"{reverse('stewardship:disclosure', args=[d.pk])}#figure-interest"
    assert f'href="{target}" data-testid="subject-link"' in page
    statement = client.get(reverse("stewardship:disclosure", args=[d.pk])).content.decode()
    assert 'id="figure-interest"' in statement


def test_subjects_of_other_kinds_have_no_link():
    assert participation.subject_link("") is None
    assert participation.subject_link("disclosure:x:interest") is None
    assert participation.subject_link("meeting:3") is None
    assert participation.subject_link("disclosure:7:ledger:3栋").endswith("#figure-ledger3%E6%A0%8B")
