"""The UI's words for 泉心愿's problems (merged into dashboard.i18n; keys start with `problem_`)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {},
    "en": {},
}
