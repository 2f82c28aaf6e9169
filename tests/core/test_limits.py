"""Work in a child process: each way it can end is told apart and said in Chinese and English."""

from __future__ import annotations

import faulthandler
import os
import time

from anju.core import limits


def outcome(work, **limits_given) -> list[str]:
    reasons: list[str] = []
    limits.run_isolated(work, on_failure=reasons.append, **limits_given)
    return reasons


def test_work_that_ends_well_reports_nothing():
    assert outcome(lambda: None, time_limit=60, memory_mb=512) == []


def test_work_past_the_time_limit_is_killed_and_says_so():
    started = time.monotonic()
    reasons = outcome(lambda: time.sleep(120), time_limit=2, memory_mb=512)
    assert time.monotonic() - started < 60
    assert reasons == [limits.time_message(2)] and "超过时间限制（2 秒）" in reasons[0]


def test_work_that_wants_more_memory_than_allowed_says_so():
    reasons = outcome(lambda: bytearray(1024 * 2**20), time_limit=60, memory_mb=128)
    assert reasons == [limits.memory_message(128)]


def test_a_crash_in_native_code_names_the_signal_and_the_memory_limit():
    # What calamine does on a zip bomb under the limit: Rust's allocator aborts the process.
    def crash() -> None:
        faulthandler.disable()  # pytest's would print the child's stack first
        os.abort()

    reasons = outcome(crash, time_limit=60, memory_mb=128)
    assert reasons == [limits.crash_message("SIGABRT", 128)] and "SIGABRT" in reasons[0]


def test_an_unexpected_exit_is_an_internal_error():
    assert outcome(lambda: os._exit(3), time_limit=60, memory_mb=128) == [limits.INTERNAL]
