"""The store's schema changes (Alembic), from the first release that had them on.

``versions/`` holds one file per change; ``cases.migrate`` runs them. A change to
``cases/schema.py`` (or 泉心愿's tables) needs a revision here, or the test that compares
an upgraded database with the models fails.
"""
