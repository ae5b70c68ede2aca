"""Verified fixes: the model rewrites the lines of a defect, deterministic checks decide whether anyone sees it.

interface.py holds the types; model.py asks the model (model.ModelProposer); check.py runs the checks (parse,
signature, edit size, the static engines again); stage.py tries each reported finding, feeding a failure back
once, and says in the coverage what was tried and why it failed; apply.py puts verified fixes into files
(`secreview fix --apply`)."""
