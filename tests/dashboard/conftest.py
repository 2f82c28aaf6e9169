from tests.programme.conftest import _media, plan, project_a, project_b  # noqa: F401  (shared fixtures)
