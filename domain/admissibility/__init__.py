"""Admissibility of evidence per forum country, as pure functions over facts from the log.

`facts` folds an investigation's events into the facts the rules read; `rules` holds one
small function per rule type of the catalogue (DOMAIN.md); `verdict` combines rule results
into a country's verdict. Verdicts are risk flags for lawyers, not rulings: the court decides.
"""
