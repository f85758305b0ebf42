"""SYNTHETIC populations, travel histories and demo data: no real person's data.

`population` makes travellers (names in their own scripts, passports with valid
machine-readable zones), `histories` gives them lawful travel histories (with a
few deliberate overstays and refusals) and `seed` records them through the EES
service for `limes demo`.
"""
