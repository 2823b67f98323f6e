"""Monitoring of the cooperation: the figures registry (``figures``); the dashboard reads it."""
