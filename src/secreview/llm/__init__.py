"""Prompting and answer parsing for model-based engines."""
