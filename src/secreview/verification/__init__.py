"""Verification: the model checks each static finding and candidate with one narrow question.

Between the engines and judging: every finding the static engines propose gets a yes/no question specific
to its weakness, with the smallest code that decides it; the probability of "yes" (from the first answer
token's logprobs) is calibrated and attached as `Finding.verification`. Judging (secreview.aggregate) then
orders findings by it and moves the unlikely ones to "likely false alarms": never deleted.
"""
