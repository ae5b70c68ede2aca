"""Sources turn what the user names (paths, a git revision, a patch) into code units."""
