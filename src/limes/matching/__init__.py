"""Identity matching for the multiple-identity detector (Regulations (EU) 2019/817 and 2019/818).

Names are normalised and transliterated (`text`), compared per data category into
the legal outcomes "same", "similar" and "different" of Delegated Regulations (EU)
2023/333 and 2023/332 as amended by 2026/327 and 2026/326 (`names`, `dates`,
`attributes`), and into one explained verdict for two records (`engine`, behind
`limes match`).
Pure Python: no web, database or CLI framework is imported here.
"""
