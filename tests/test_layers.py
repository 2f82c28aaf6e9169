"""The layers hold: no module of `anju/` imports one above it, and no file passes 600 lines.

Read with `ast` (no import runs), so the rule also sees imports inside functions, under
`TYPE_CHECKING`, and `importlib.import_module("anju.…")` calls. A name built at run time
(`import_module(f"anju.{app}.demo")`) counts as importing every app it could name.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "roster", "consultations", "elevators", "programme", "participation", "stewardship", "dashboard", "field")
PEERS = ("roster", "consultations", "elevators", "programme", "participation", "stewardship")
# A peer reaches another app only through these modules (or packages of that name, after a split);
# queries_work is an app's open items for 我的待办 (anju/core/work.py).
PUBLIC = ("queries", "services", "access", "queries_work")
SHELL = ("anju", "anju.management", "anju.management.commands", "anju.management.commands.demo", "anju.api", "anju.urls", "anju.cli", "anju.demo", "anju.settings", "anju.wsgi")
DJANGO = ("django", "ninja", "csp", "whitenoise", "django_tasks", "django_tasks_db")
MAX_LINES = 600

# The rules, once. Each layer: which `anju.` modules it may import (prefixes, `{own}` is the
# importing app) and whether Django may be imported. The first matching layer applies.
RULES: dict[str, dict] = {
    "shell": {"files": SHELL, "may": ("anju",), "django": True,
              "why": "the shell wires everything together"},
    "domain": {"files": ("anju.domain",), "may": ("anju.domain",), "django": False,
               "why": "domain is pure: no Django, no anju outside domain"},
    "formats": {"files": ("anju.formats",), "may": (), "django": True,
                "why": "format modules are settings data: they import nothing of anju"},
    # anju.settings: the deploy checks compare the live settings with the development defaults.
    "core": {"files": ("anju.core",), "may": ("anju.core", "anju.domain", "anju.settings"), "django": True,
             "why": "core imports no app"},
    "accounts": {"files": ("anju.accounts",), "may": ("anju.accounts", "anju.core", "anju.domain"),
                 "django": True, "why": "accounts imports only core and domain"},
    "roster": {"files": ("anju.roster",), "may": ("anju.roster", "anju.accounts", "anju.core", "anju.domain"),
               "django": True, "why": "roster imports no app above it"},
    "app": {"files": tuple(f"anju.{app}" for app in PEERS if app != "roster"),
            # roster.demo: the demo sub-district's own data, which the other apps' demos build on.
            "may": ("anju.{own}", "anju.accounts", "anju.core", "anju.domain", "anju.roster.models",
                    "anju.roster.demo", *(f"anju.{peer}.{public}" for peer in PEERS for public in PUBLIC)),
            "django": True,
            "why": "apps reach each other only through queries/services/access (and roster models)"},
    # field: the offline app for phones, above the apps whose services its records go through.
    "field": {"files": ("anju.field",),
              "may": ("anju.field", "anju.accounts", "anju.core", "anju.domain", "anju.roster.models",
                      "anju.roster.access", *(f"anju.{peer}.{public}" for peer in PEERS for public in PUBLIC)),
              "django": True, "why": "field reaches the apps through their queries/services/access"},
    "dashboard": {"files": ("anju.dashboard",),
                  "may": ("anju.dashboard", "anju.accounts", "anju.core", "anju.domain", "anju.roster.models",
                          *(f"anju.{peer}.{public}" for peer in PEERS for public in PUBLIC)),
                  "django": True, "why": "dashboard reads other apps through their queries/services"},
}


@dataclass(frozen=True)
class Import:
    file: str
    line: int
    module: str  # dotted; "*" marks a segment only known at run time


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _dynamic(node: ast.expr) -> str | None:
    """The module an `import_module(...)` argument names; run-time parts become `*`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
    return None


def imports_of(root: Path, path: Path, modules: set[str]) -> list[Import]:
    """Every module `path` imports; `from anju.x import y` counts as `anju.x.y` when y is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(root, path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    rel = str(path.relative_to(root))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(rel, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                found.append(Import(rel, node.lineno, candidate if candidate in modules else source))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ("import_module", "__import__"):
                target = _dynamic(node.args[0])
                if target is not None:
                    found.append(Import(rel, node.lineno, target))
    return found


def _layer(module: str) -> tuple[str, dict] | None:
    for name, rule in RULES.items():
        files = rule["files"]
        if name == "shell":
            if module in files:
                return name, rule
        elif any(_under(module, prefix) for prefix in files):
            return name, rule
    return None


def _allowed(target: str, rule: dict, own: str) -> bool:
    may = [prefix.replace("{own}", own) for prefix in rule["may"]]
    if "*" not in target:
        return any(_under(target, prefix) for prefix in may)
    # A run-time name is allowed only if every module it could name is: its fixed prefix must lie
    # inside one allowed prefix (`anju.domain.*` is fine for domain; `anju.*.demo` is not for core).
    fixed = target.split("*")[0].rstrip(".")
    return any(_under(fixed, prefix) for prefix in may)


def violations(root: Path) -> list[str]:
    """`file:line imports X (rule)` for each import that crosses a layer upwards, and each file without a layer."""
    files = sorted(p for p in (root / "anju").rglob("*.py") if "migrations" not in p.parts)
    modules = {module_name(root, p) for p in (root / "anju").rglob("*.py")}
    found: list[str] = []
    for path in files:
        module = module_name(root, path)
        layer = _layer(module)
        if layer is None:
            found.append(f"{path.relative_to(root)}:1 has no layer (add it to RULES in tests/test_layers.py)")
            continue
        _, rule = layer
        own = module.split(".")[1] if "." in module else ""
        for imp in imports_of(root, path, modules):
            top = imp.module.split(".")[0]
            if top in DJANGO or top.startswith("django_"):
                if not rule["django"]:
                    found.append(f"{imp.file}:{imp.line} imports {imp.module} ({rule['why']})")
            elif top == "anju" and not _allowed(imp.module, rule, own):
                found.append(f"{imp.file}:{imp.line} imports {imp.module} ({rule['why']})")
    return list(dict.fromkeys(found))  # `from x import a, b` is one import


def long_files(root: Path) -> list[str]:
    """Source files under `anju/` (migrations and translation catalogues aside) longer than MAX_LINES."""
    found = []
    for path in sorted((root / "anju").rglob("*")):
        if path.suffix not in (".py", ".html", ".js", ".css") or "migrations" in path.parts:
            continue
        if "vendor" in path.parts:  # third-party files copied in whole
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found.append(f"{path.relative_to(root)}: {lines} lines (over {MAX_LINES}: split it by sub-area)")
    return found


def test_no_module_imports_a_layer_above_it():
    found = violations(ROOT)
    assert not found, "imports that cross a layer upwards:\n" + "\n".join(found)


def test_no_file_under_anju_passes_600_lines():
    found = long_files(ROOT)
    assert not found, "\n".join(found)


# The checker itself, on a synthetic tree: each rule broken once on purpose.


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for parent in path.relative_to(tmp_path).parents:
            init = tmp_path / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.write_text("", encoding="utf-8")
    return tmp_path


def test_checker_reports_each_broken_rule(tmp_path):
    root = _tree(tmp_path, {
        "anju/domain/pure.py": "import django.db\nfrom anju.core import audit\n",
        "anju/core/audit.py": "",
        "anju/core/helper.py": "def f():\n    from anju.roster.models import Household\n",
        "anju/core/loader.py": "import importlib\nimportlib.import_module(f'anju.{x}.demo')\n",
        "anju/accounts/views.py": "import importlib\nimportlib.import_module('anju.roster.models')\n",
        "anju/roster/services.py": "from anju.programme import services\n",
        "anju/roster/models.py": "",
        "anju/programme/services.py": "",
        "anju/programme/views.py": "from ..consultations.models import Ballot\n",
        "anju/consultations/models.py": "",
        "anju/elevators/views.py": "from anju.dashboard import queries\n",
        "anju/dashboard/queries.py": "",
        "anju/newapp/views.py": "",
    })
    found = violations(root)
    assert found == [
        "anju/accounts/views.py:2 imports anju.roster.models (accounts imports only core and domain)",
        "anju/core/helper.py:2 imports anju.roster.models (core imports no app)",
        "anju/core/loader.py:2 imports anju.*.demo (core imports no app)",
        "anju/domain/pure.py:1 imports django.db (domain is pure: no Django, no anju outside domain)",
        "anju/domain/pure.py:2 imports anju.core.audit (domain is pure: no Django, no anju outside domain)",
        "anju/elevators/views.py:1 imports anju.dashboard.queries "
        "(apps reach each other only through queries/services/access (and roster models))",
        "anju/newapp/__init__.py:1 has no layer (add it to RULES in tests/test_layers.py)",
        "anju/newapp/views.py:1 has no layer (add it to RULES in tests/test_layers.py)",
        "anju/programme/views.py:1 imports anju.consultations.models "
        "(apps reach each other only through queries/services/access (and roster models))",
        "anju/roster/services.py:1 imports anju.programme.services (roster imports no app above it)",
    ]


def test_checker_accepts_the_allowed_paths(tmp_path):
    root = _tree(tmp_path, {
        "anju/domain/pure.py": "from anju.domain import ids\nfrom . import ids as again\n",
        "anju/domain/ids.py": "",
        "anju/core/access.py": "from anju.core.errors import NotFound\nfrom django.db import models\n",
        "anju/core/errors.py": "",
        "anju/roster/models.py": "from anju.core import access\nfrom anju.accounts.models import Role\n",
        "anju/accounts/models.py": "",
        "anju/programme/views.py": (
            "from anju.roster.models import Household\nfrom anju.consultations import queries\n"
            "from anju.consultations.services.ballots import cast\nfrom anju.roster import access\n"
        ),
        "anju/consultations/queries.py": "",
        "anju/consultations/services/__init__.py": "",
        "anju/consultations/services/ballots.py": "",
        "anju/roster/access.py": "",
        "anju/dashboard/views.py": "from anju.programme.queries import figures\n",
        "anju/programme/queries.py": "",
        "anju/demo.py": "import importlib\nimportlib.import_module(f'anju.{app}.demo')\n",
    })
    assert violations(root) == []


def test_long_files_are_reported(tmp_path):
    root = _tree(tmp_path, {
        "anju/roster/importer.py": "x = 1\n" * 601,
        "anju/roster/ok.py": "x = 1\n" * 600,
        "anju/roster/migrations/0001_initial.py": "x = 1\n" * 900,
    })
    assert long_files(root) == ["anju/roster/importer.py: 601 lines (over 600: split it by sub-area)"]
