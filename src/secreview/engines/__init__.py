"""Engines find defects in code units; each one is a module behind the protocol in interface.py."""
