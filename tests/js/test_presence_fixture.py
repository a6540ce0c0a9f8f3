"""The node tests format presence in the page's own words (dashboard/i18n.py): the fixture
they read is what the server gives today.

    .venv/bin/python -m tests.js.test_presence_fixture      # rewrites the fixture
"""

from __future__ import annotations

import json

from dashboard.i18n import LANGS, presence_labels
from tests.js.record_fixtures import FIXTURES

FILE = FIXTURES / "presence-labels.json"


def current() -> str:
    words = {lang: presence_labels(lang) for lang in LANGS}
    return json.dumps(words, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_the_presence_labels_fixture_is_current() -> None:
    assert FILE.read_text(encoding="utf-8") == current(), (
        "run: .venv/bin/python -m tests.js.test_presence_fixture"
    )


if __name__ == "__main__":
    FILE.write_text(current(), encoding="utf-8")
