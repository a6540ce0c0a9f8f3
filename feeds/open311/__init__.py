"""Open311 GeoReport v2: the center's cases for any client that speaks the standard.

``mapping`` (cases and catalog as GeoReport records, pure), ``params`` (what clients send,
checked), ``render`` (XML and JSON), ``routes`` (the Flask blueprint).
"""
