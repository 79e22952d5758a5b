"""Rapport: an API-first backend for one-on-one meetings."""
