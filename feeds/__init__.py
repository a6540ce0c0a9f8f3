"""Inbound: the HTTP intake, the simulator and (later) queue and file feeds."""
