"""The UI's words for patrol screens, in Chinese and English (merged into dashboard.i18n)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {"zh": {}, "en": {}}
