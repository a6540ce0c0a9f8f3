"""The UI's words for 泉心愿's qxy_counts (merged into dashboard.i18n; keys start with `qxc_`)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {},
    "en": {},
}
