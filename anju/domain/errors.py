"""The one error type of the pure rules: a message in Chinese and English that names the field."""

from __future__ import annotations


class DomainError(ValueError):
    """Input that breaks a rule. `zh` and `en` say what is wrong and how to fix it; `field` names where."""

    def __init__(self, zh: str, en: str, *, field: str | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en
        self.field = field

    def message(self, language: str = "zh-hans") -> str:
        """The message in the user's language (anything not Chinese gets English)."""
        return self.zh if language.lower().startswith("zh") else self.en
