"""Evidence exchanged with other forensic tools: CASE/UCO JSON-LD written (`case_export`) and
read (`case_import`), in the words of `case_terms`."""
