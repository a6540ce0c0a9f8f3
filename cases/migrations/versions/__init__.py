"""The revisions, oldest first by their ids (r0001, r0002, …)."""
