"""Worked examples checked by hand, and every refusal naming its field."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from anju.domain.costshare.engine import allocate_quote
from anju.domain.costshare.model import (
    ByArea,
    Coefficients,
    Compensation,
    Household,
    LineItem,
    Nucleolus,
    Quote,
    Shapley,
    Table,
)
from anju.domain.costshare.tables import custom_table, reference_table
from anju.domain.errors import DomainError

from .builders import issue_example_quote, two_per_floor, yuan


def one_per_floor(storeys: int = 6) -> tuple[Household, ...]:
    return tuple(Household(id=f"{floor}01", floor=floor, area=Fraction(60)) for floor in range(1, storeys + 1))


def test_issue_example_shapley_per_household():
    allocation = allocate_quote(issue_example_quote())
    expected = {1: "0", 2: "30000.00", 3: "36250.00", 4: "44583.33", 5: "57083.33", 6: "82083.33"}
    for share in allocation.shares:
        assert abs(share.amount - yuan(expected[share.floor])) <= 1, share
    assert sum(allocation.amounts().values()) == yuan("500000") == allocation.net


def test_issue_example_steps_show_each_segment_in_both_languages():
    share = allocate_quote(issue_example_quote()).share("301")
    assert "第 1 段（地面→2 层）：300,000.00 ÷ 10 户 = 30,000.00" in share.steps_zh
    assert "第 2 段（2 层→3 层）：50,000.00 ÷ 8 户 = 6,250.00" in share.steps_zh
    assert "segment 2 (2F→3F): 50,000.00 ÷ 8 households = 6,250.00" in share.steps_en
    assert share.steps_zh[-1] == "应付 36,250.00"


def test_guangzhou_2025_on_one_household_per_floor_by_hand():
    # k = 0, .5, 1, 1.1, 1.2, 1.3 (sum 5.1); 100,000 × k / 5.1, then the 2 leftover fen go to 4F (.745) and 6F (.608)
    quote = Quote(storeys=6, households=one_per_floor(), costs=(LineItem("construction", yuan("100000")),),
                  method=Table("guangzhou-2025"))
    amounts = allocate_quote(quote).amounts()
    assert amounts == {"101": 0, "201": yuan("9803.92"), "301": yuan("19607.84"), "401": yuan("21568.63"),
                       "501": yuan("23529.41"), "601": yuan("25490.20")}


def test_coefficient_steps_read_like_the_issue():
    households = (Household("201", 2, Fraction("50")), Household("301", 3, Fraction("72.5")))
    quote = Quote(storeys=3, households=households, costs=(LineItem("construction", yuan("300000")),),
                  method=Coefficients({2: Fraction("0.5"), 3: Fraction("1.1")}, weight_by_area=True))
    share = allocate_quote(quote).share("301")
    # 1.1 × 72.5 = 79.75; total 79.75 + 25 = 104.75; 300,000 × 79.75 / 104.75 = 228,400.9546…
    assert share.steps_zh[1] == "系数 1.1 × 面积 72.5 ÷ 合计 104.75 × 净额 300,000.00 = ≈228,400.9547"
    assert share.amount == yuan("228400.95")
    assert share.steps_en[1].startswith("coefficient 1.1 × area 72.5 m² ÷ total 104.75")


def test_subsidy_and_compensation_change_the_net_and_compensation_is_reported():
    quote = issue_example_quote(
        subsidies=(LineItem("municipal", yuan("200000")),),
        compensations=(Compensation("101", yuan("5000")), Compensation("102", yuan("5000"))),
    )
    allocation = allocate_quote(quote)
    assert allocation.net == yuan("310000")
    assert sum(allocation.amounts().values()) == yuan("310000")
    assert allocation.share("101").amount == 0
    assert allocation.share("101").compensation == yuan("5000")
    assert "获得补偿 5,000.00" in allocation.share("101").steps_zh


def test_common_first_subsidy_pays_the_lowest_segment_first():
    # 300,000 subsidy wipes out the common 2F segment: 2F pays 0, 3F 50,000/8 = 6,250, 6F 6,250 + 8,333.33 + 12,500 + 25,000
    quote = issue_example_quote(subsidies=(LineItem("municipal", yuan("300000")),), subsidy_mode="common_first")
    amounts = allocate_quote(quote).amounts()
    assert amounts["201"] == 0
    assert amounts["301"] == yuan("6250")
    assert abs(amounts["601"] - yuan("52083.33")) <= 1


def test_proportional_subsidy_scales_every_shapley_share():
    quote = issue_example_quote(subsidies=(LineItem("municipal", yuan("250000")),))
    amounts = allocate_quote(quote).amounts()
    assert amounts["201"] == yuan("15000")
    assert amounts["301"] == yuan("18125")


def test_nucleolus_by_hand_on_three_households():
    # costs to reach 2F, 3F, 6F: 90k, 120k, 300k; round 1: min(90/2, 120/3) = 40k for 2F and 3F; 6F the rest
    households = (Household("201", 2), Household("301", 3), Household("601", 6))
    quote = Quote(storeys=6, households=households, costs=(LineItem("all", yuan("300000")),),
                  method=Nucleolus({2: yuan("90000"), 3: yuan("120000"), 6: yuan("300000")}))
    assert allocate_quote(quote).amounts() == {"201": yuan("40000"), "301": yuan("40000"), "601": yuan("220000")}


def test_nucleolus_of_the_issue_example_is_an_equal_split():
    # every candidate ratio is at least 500k/10, reached by the shared top floor
    amounts = allocate_quote(issue_example_quote(method=Nucleolus(issue_example_quote().method.reach_costs))).amounts()
    assert {amount for key, amount in amounts.items() if not key.startswith("1")} == {yuan("50000")}


def test_costs_above_the_highest_paying_floor_fall_on_the_top_segment():
    households = tuple(h for h in two_per_floor() if h.floor < 6)
    allocation = allocate_quote(issue_example_quote(households=households))
    # 8 payers on 2F-5F: 300,000/8 + 50,000/6 + 50,000/4 + (50,000 + the unused 6F 50,000)/2 = 108,333.33
    assert sum(allocation.amounts().values()) == yuan("500000")
    assert abs(allocation.share("501").amount - yuan("108333.33")) <= 1
    assert allocation.share("201").amount == yuan("37500")
    assert any("计入最高一段" in step for step in allocation.share("501").steps_zh)


def test_by_area_follows_civil_code_283():
    households = (Household("201", 2, Fraction("50")), Household("301", 3, Fraction("150")))
    quote = Quote(storeys=3, households=households, costs=(LineItem("c", yuan("1000")),), method=ByArea())
    assert allocate_quote(quote).amounts() == {"201": yuan("250"), "301": yuan("750")}


def test_percent_tables_are_normalised():
    quote = Quote(storeys=6, households=one_per_floor(), costs=(LineItem("c", yuan("102000")),),
                  method=Table("shanghai-6"))
    assert allocate_quote(quote).amounts()["601"] == yuan("36000")


def test_beijing_midpoints_and_range_ends():
    table = reference_table("beijing-2022")
    assert table.coefficients(6)[2] == 5
    assert table.coefficients(6, "high")[6] == 34
    assert table.date == "2022" and table.source


def test_nanjing_rises_by_point_three_per_floor():
    assert reference_table("nanjing-gulou").coefficients(7)[7] == Fraction("2.2")


@pytest.mark.parametrize("name", ["hangzhou-6", "shanghai-6", "beijing-2022"])
def test_six_storey_tables_refuse_other_heights(name):
    quote = Quote(storeys=7, households=one_per_floor(7), costs=(LineItem("c", 100),), method=Table(name))
    with pytest.raises(DomainError) as error:
        allocate_quote(quote)
    assert error.value.field == "method.table"
    assert "6" in error.value.zh


def test_saved_tables_work_like_reference_tables():
    table = custom_table("ours", {"2": "1", "3": "3"}, storeys=3, source="居民议事会 2026-11")
    quote = Quote(storeys=3, households=one_per_floor(3), costs=(LineItem("c", 400),), method=Table(table))
    assert allocate_quote(quote).amounts() == {"101": 0, "201": 100, "301": 300}


def test_exempt_and_non_participating_households_pay_nothing_and_others_carry_it():
    households = (Household("201", 2), Household("202", 2, participates=False), Household("301", 3, exempt=True),
                  Household("302", 3))
    quote = Quote(storeys=3, households=households, costs=(LineItem("c", 900),),
                  method=Coefficients({2: Fraction(1), 3: Fraction(2)}))
    allocation = allocate_quote(quote)
    assert allocation.amounts() == {"201": 300, "202": 0, "301": 0, "302": 600}
    assert allocation.share("202").steps_en[-1].startswith("not participating")


def test_a_fully_subsidised_unit_owes_nothing():
    allocation = allocate_quote(issue_example_quote(subsidies=(LineItem("m", yuan("500000")),)))
    assert set(allocation.amounts().values()) == {0}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"households": (Household("101", 7),)}, "households[0].floor"),
        ({"households": (Household("201", 2), Household("201", 3))}, "households[1].id"),
        ({"costs": (LineItem("c", -5),)}, "costs[0].amount"),
        ({"costs": ()}, "costs"),
        ({"subsidies": (LineItem("s", yuan("600000")),)}, "subsidies"),
        ({"compensations": (Compensation("999", 100),)}, "compensations[0].to"),
        ({"method": Shapley({2: yuan("300000"), 3: yuan("200000"), 6: yuan("500000")})}, "method.reach_costs.3"),
        ({"method": Shapley({2: yuan("300000"), 6: yuan("400000")})}, "method.reach_costs.6"),
        ({"method": Shapley({2: yuan("300000"), 6: yuan("500000")})}, "method.reach_costs.3"),
        ({"method": Coefficients({0: Fraction(1)})}, "method.by_floor.0"),
        ({"method": Table("nowhere-1999")}, "method.table"),
        ({"method": ByArea(), "households": (Household("201", 2),)}, "households[0].area"),
        ({"subsidy_mode": "common_first", "method": ByArea()}, "subsidy_mode"),
        ({"households": tuple(replace(h, exempt=True) for h in two_per_floor())}, "households"),
        ({"storeys": 0}, "storeys"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(change, field):
    with pytest.raises(DomainError) as error:
        allocate_quote(issue_example_quote(**change))
    assert error.value.field == field
    assert error.value.zh and error.value.en


def test_areas_from_decimal_fields_are_kept_exact():
    from decimal import Decimal

    assert Household("201", 2, Decimal("72.55")).area == Fraction(1451, 20)  # type: ignore[arg-type]


def test_a_coefficient_table_for_taller_buildings_is_used_and_its_unused_floors_are_named():
    # An office's 9-floor table on a 6-storey unit: floors 7-9 do not exist here and are left out,
    # as the built-in reference tables behave; the shares are those of floors 1-6 alone.
    table = {f: Fraction(f - 1, 2) for f in range(1, 10)}
    tall = Quote(storeys=6, households=one_per_floor(), costs=(LineItem("construction", yuan("150000")),),
                 method=Coefficients(table))
    exact = replace(tall, method=Coefficients({f: k for f, k in table.items() if f <= 6}))
    allocation = allocate_quote(tall)
    assert allocation.amounts() == allocate_quote(exact).amounts()
    assert allocation.amounts()["601"] == yuan("50000.00")  # k = 2.5 of a total 7.5 (0 + .5 + 1 + 1.5 + 2 + 2.5)
    assert any("第 7、8、9 层" in step and "未使用" in step for step in allocation.share("601").steps_zh)
    assert any("7, 8, 9" in step and "not used" in step for step in allocation.share("601").steps_en)


def test_a_building_above_the_coefficient_tables_top_floor_is_refused_naming_the_floor():
    quote = Quote(storeys=7, households=one_per_floor(7), costs=(LineItem("construction", yuan("100000")),),
                  method=Coefficients({f: Fraction(f) for f in range(1, 7)}))
    with pytest.raises(DomainError) as refused:
        allocate_quote(quote)
    assert "第 7 层" in refused.value.zh and refused.value.field == "method.by_floor"
