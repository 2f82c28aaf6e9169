"""The README's production section, run as written: install, serve, log in over HTTP, back up."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_production_steps_give_a_server_a_superuser_can_log_in_to(tmp_path):
    shim = tmp_path / "bin" / "anju"  # `anju` as installed, running this checkout's code
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m anju.cli "$@"\n')
    shim.chmod(0o755)
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("ANJU_", "DJANGO_")) and k not in ("DATABASE_URL", "PYTHONPATH")}
    env = keep | {"PATH": f"{shim.parent}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    done = subprocess.run(["bash", str(ROOT / "deploy" / "production-smoke.sh")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=900)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-5000:]
    assert "OK: logged in as admin; /roster/ and /admin/ answer 200" in done.stdout
    assert re.search(r"backed up → backups/anju-\d{8}-\d{6}\.tar\.gz", done.stdout), out[-3000:]
    assert "restored the backup of" in done.stdout
    assert "System check identified no issues" in out


def test_the_smoke_script_runs_only_what_the_readme_says():
    """Each block the script runs exists in the README, and the script carries no anju command of its own."""
    readme = (ROOT / "README.md").read_text()
    script = (ROOT / "deploy" / "production-smoke.sh").read_text()
    for name in ("production-install", "production-serve", "production-backup"):
        assert f"<!-- {name} -->\n```bash\n" in readme
        assert name in script
    commands = [line for line in script.splitlines() if re.match(r"\s*anju\s", line)]
    assert commands == []
