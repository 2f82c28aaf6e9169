"""The result indicators (成效指标) of a project item, as the national statistics count them.

The 全国城镇老旧小区改造统计调查制度 (National Bureau of Statistics / MOHURD) asks per project for the
plan, progress, results and basic data; these are the result quantities an item carries besides its
budget and funding. Each is an exact `Decimal` with a fixed number of places and a unit; counts have
no places. Entered on the project page and through the API (`services.item_results_set`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    field: str  # the Item field
    zh: str
    en: str
    unit: str
    places: int


INDICATORS: tuple[Indicator, ...] = (
    Indicator("gas_pipe_km", "改造燃气管道", "Gas pipes renovated", "km", 3),
    Indicator("water_pipe_km", "改造供水管道", "Water pipes renovated", "km", 3),
    Indicator("drainage_pipe_km", "改造排水管道", "Drainage pipes renovated", "km", 3),
    Indicator("power_line_km", "改造供电线路", "Power lines renovated", "km", 3),
    Indicator("elevators_added", "加装电梯", "Elevators added", "部", 0),
    Indicator("parking_spaces", "增设停车位", "Parking spaces added", "个", 0),
    Indicator("charging_points", "增设充电桩", "Charging points added", "个", 0),
    Indicator("barrier_free_count", "无障碍设施", "Barrier-free facilities", "处", 0),
    Indicator("barrier_free_area", "无障碍设施面积", "Barrier-free facilities area", "㎡", 2),
    Indicator("service_count", "养老托育等服务设施", "Service facilities (care, childcare…)", "个", 0),
    Indicator("service_area", "服务设施面积", "Service facilities area", "㎡", 2),
    Indicator("energy_saving_area", "建筑节能改造面积", "Energy-saving retrofit area", "㎡", 2),
)
BY_FIELD = {i.field: i for i in INDICATORS}
MAX_DIGITS = 14
