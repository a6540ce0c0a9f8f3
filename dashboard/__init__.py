"""The command center's screens (Dash), their read APIs and the Socket.IO hub."""
