"""Elevator cost shares (算明账), exact to the fen, with every step explained in Chinese and English.

Pure Python: no Django. Money is int fen (分), areas in m² and ratios are Fractions.
`negotiation` (SciPy) and `batch` (NumPy) are imported on demand, not from here.
"""

from .engine import allocate_quote
from .jsonio import allocation_to_json, quote_from_json
from .model import (
    Allocation,
    ByArea,
    Coefficients,
    Compensation,
    Household,
    LineItem,
    Method,
    Nucleolus,
    Quote,
    Shapley,
    Share,
    Table,
)
from .money import fen_to_yuan, format_yuan, plain_yuan, to_fen
from .rounding import largest_remainder
from .running import RunningAllocation, RunningCost, RunningShare, share_running_costs
from .tables import CoefficientTable, custom_table, reference_table, reference_tables

__all__ = [
    "Allocation",
    "ByArea",
    "CoefficientTable",
    "Coefficients",
    "Compensation",
    "Household",
    "LineItem",
    "Method",
    "Nucleolus",
    "Quote",
    "RunningAllocation",
    "RunningCost",
    "RunningShare",
    "Shapley",
    "Share",
    "Table",
    "allocate_quote",
    "allocation_to_json",
    "custom_table",
    "fen_to_yuan",
    "format_yuan",
    "largest_remainder",
    "plain_yuan",
    "quote_from_json",
    "reference_table",
    "reference_tables",
    "share_running_costs",
    "to_fen",
]
