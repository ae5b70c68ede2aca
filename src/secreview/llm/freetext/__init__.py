"""Read a free-text security review (an LLM's answer, a colleague's notes) into findings.

Reviews come as markdown-ish prose: numbered or bulleted items, headings, bold labels, CWE ids with or
without their names, line references in many spellings, a "Solution:" per item, and often a verdict
sentence. `parse_review` turns one into findings without judging them: line numbers are taken as
written (grounding against the file, CWE checks and voting happen later, in secreview.aggregate).

Rules (each one a decision; the tests pin them down):

- Structure. The text is cut into blocks at headings: markdown `#` headings, lines that are bold and nothing
  else, and (after a blank line) headline-like lines (no final period, at most 16 words) that start with a CWE
  id or with "Issue 2:"-style numbering. Lines inside ``` fences are code, never markup. A heading that names
  a CWE, a line or is numbered makes its whole block one item; any other heading is a section title, and the
  top-level list items (`1.`, `1)`, `(1)`, `-`, `*`, `+`, `•`) under it are the items. An item runs to the
  next list marker at its own indentation or less, or to an unindented paragraph after a blank line (unless
  that paragraph starts with a field label such as "Solution:", which still belongs to the item; so does a
  fenced code block). Outside items, a prose paragraph (or a markdown table row, read through its header:
  "Line(s)", "Fix", ...) becomes an item when it names a CWE (one item per CWE-bearing sentence run), or when
  it gives a line and says outright that code is vulnerable / introduces a vulnerability. An item whose
  sub-items name at least two different (CWE, line) places is split into one item per sub-item; the sub-items
  inherit the parent's CWE, title and solution where they give none.
- Which items count. An item counts only if it names a CWE or a line; anything else ("Key points: input
  validation is important") is generic advice and is dropped. An item whose text starts by saying there is
  nothing there ("CWE-284: Not applicable", "Line 40: no issue found") is dropped too.
- Verdict. `says_no_defects` is True when the text contains NO_DEFECTS_VERDICT (case-insensitive, "were" for
  "are" accepted, any qualification after it accepted: "... in the context of its usage as test cases"),
  unless the sentence is hedged before it ("other than the above, ...", "cannot say that ...", "if ...") or
  narrowed after it ("... except ..."). A clearly equivalent statement ("there are no security vulnerabilities
  ...", "no vulnerabilities were found", "the code does not introduce security defects") also counts, but only
  when no counted item names a CWE: a review that names CWEs and says "no other issues" asserts defects. The
  exact sentence itself wins even over items that name CWEs: the reviewer concluded "no defects", so those
  items are observations. With no such sentence, says_no_defects is False, even when nothing is found ("The
  code looks fine." gives no findings and no verdict).
- Findings and observations. If the verdict is "no defects", the counted items that give a line become
  `observations` (severity info) and there are no findings; line-less items are dropped, since a concern
  nobody located is not worth showing. Otherwise the counted items are `findings` (cwe None when the item
  named none).
- Lines. The first line reference of an item is used, looked for in its heading, then its explanatory text,
  then its solution: "lines 84-87, 92-107" gives 84-87 (the span could cover unrelated code and would be
  quoted as evidence; the other ranges stay in the description). Recognised forms: "line 12", "Line 70-78",
  "lines 12 to 15", "lines 12 through 15", "line 12 - line 15", "(Line 94-97)", "Lines: 12-14", "line no. 12",
  "line #12", "L12-L15", "#L12", and a lone "L12" where it points ("at L12", "(L12)", "L12:"), so that "the L3
  agent" is not a line. A reversed range is swapped; line 0 is ignored; nothing is clipped to the file here. A
  finding that names a CWE but no line is placed at the first line under review (line 1 for a whole file), and
  its description says that the review gave no line.
- Fields. Title: the item's heading (bold lead, "Title: ..." lead, or markdown heading) with CWE ids and line
  references taken out, unless that leaves only generic words ("Potential Issue 2"); the CWE's stated name (or
  the catalog's short name) when the heading is just a CWE or there is no heading; else the first sentence of
  the description. Description: the explanatory text, labels, markdown emphasis and fenced code removed (the
  title if nothing is left but a line reference). Solution: the text after the first
  Solution/Fix/Recommendation/Mitigation/Remediation label, fenced code kept as a block, "" if none. CWE: the
  first id in heading, text, solution; `cwe_name` is the name the review wrote next to it, if any (the
  catalog's name is set by aggregate). Severity: medium for findings unless the item says critical, high or
  low ("Severity: High", "high-risk", "(Low)"); info for observations. Confidence 0.5.
- Robustness. Any str is accepted (lone surrogates are replaced, line ends normalised). Every regex repeat is
  bounded or unambiguous (no nested or adjacent unbounded repeats over the same characters), so time is
  linear in the length of the text: a megabyte of adversarial text takes a second or two.
"""

# Reading order: review (the entry point), itemize (which parts of the text are items), structure (headings,
# fences, lists, tables), item (an item's fields), fields (lines, CWEs, labels, severity, titles), verdicts (the
# no-defect sentence, its hedges, and items that say there is nothing there).

from secreview.llm.freetext.review import CONFIDENCE, ParsedReview, parse_review

__all__ = ["CONFIDENCE", "ParsedReview", "parse_review"]
