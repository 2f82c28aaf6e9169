"""The systemd units in deploy/ parse, and every command they run is an `anju` command with options it accepts."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
SERVICES = sorted(DEPLOY.glob("*.service"))
TIMERS = sorted(DEPLOY.glob("*.timer"))
VENV_ANJU = Path(sys.executable).with_name("anju")


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser


def test_there_are_units_for_the_web_server_the_task_workers_and_both_timers():
    names = {path.name for path in [*SERVICES, *TIMERS]}
    assert {"anju-web.service", "anju-worker.service", "anju-close-due.timer", "anju-purge-files.timer"} <= names


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_each_service_runs_an_anju_command_with_options_it_accepts(path):
    argv = shlex.split(unit(path)["Service"]["ExecStart"])
    assert Path(argv[0]).name == "anju"
    name = argv[1].replace("-", "_")  # as anju.cli does
    commands = get_commands()
    assert name in commands, f"{path.name}: anju {argv[1]} is not a command"
    parser = load_command_class(commands[name], name).create_parser("anju", name)
    parser.parse_args(argv[2:])  # argparse exits (failing the test) on an option the command lacks


@pytest.mark.parametrize("path", TIMERS, ids=lambda p: p.name)
def test_each_timer_starts_a_service_of_ours(path):
    timer = unit(path)["Timer"]
    assert timer.get("OnCalendar")
    assert (DEPLOY / timer.get("Unit", path.with_suffix(".service").name)).exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None or not VENV_ANJU.exists(), reason="needs systemd-analyze")
def test_systemd_accepts_the_units(tmp_path):
    # The units name /srv/anju; verify checks that the program exists, so point them at this venv's anju.
    for path in [*SERVICES, *TIMERS]:
        text = path.read_text(encoding="utf-8").replace("/srv/anju/.venv/bin/anju", str(VENV_ANJU))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                          capture_output=True, text=True, timeout=120)
    complaints = [line for line in done.stderr.splitlines() if str(tmp_path) in line or "anju-" in line]
    assert done.returncode == 0 and not complaints, done.stderr
