"""Each household gets its own letter: its pages are numbered 第 1 页 共 M 页 from the letter's start."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from anju.consultations import letters, services
from tests.consultations.conftest import make_unit_vote
from tests.factories import SYSTEM
from tests.printed import assert_official, give_phone

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, whitespace removed, as a person reads the paper page by page."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


def footer(page: str) -> str:
    found = re.findall(r"第(\d+)页共(\d+)页", page)
    assert len(found) == 1, page
    return "{}/{}".format(*found[0])


def test_a_batch_of_two_page_letters_numbers_each_households_letter_from_its_start(world):
    vote = make_unit_vote(world, open_it=False)
    c = vote.consultation
    for n in range(2, 15):
        services.question_add(consultation=c, kind="yes_no", actor=SYSTEM,
                              text=f"第{n}项：是否同意按照设计单位的方案在本单元北侧加装电梯并同步改造相关管线和出入口（方案{n}）")
    services.consultation_open(consultation=c, actor=SYSTEM)
    give_phone(world.community_a)
    electors = list(c.electors.order_by("key")[:3])
    pdf = letters.render_letters(c, "https://anju.example", electors=electors, actor=SYSTEM)
    pages = page_texts(pdf)
    assert [footer(p) for p in pages] == ["1/2", "2/2"] * 3
    for first, elector in zip(pages[::2], electors, strict=True):
        assert f"致甲小区{elector.room_label}业主" in first
        assert_official(first + pages[pages.index(first) + 1], issuer="甲社区居民委员会")


def test_one_page_letters_each_read_page_1_of_1(world):
    c = make_unit_vote(world).consultation
    pdf = letters.render_letters(c, "https://anju.example", electors=list(c.electors.order_by("key")), actor=SYSTEM)
    assert [footer(p) for p in page_texts(pdf)] == ["1/1"] * 6
