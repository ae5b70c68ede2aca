"""Backends complete chat prompts: an embedded local model or any OpenAI-compatible endpoint."""
