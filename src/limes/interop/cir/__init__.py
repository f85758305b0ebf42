"""The common identity repository (Reg. (EU) 2019/817 Art 17-24).

One individual file per person per source system (EES, VIS, ETIAS, Eurodac; a slot
for ECRIS-TCN), logically separated and tagged with its system. It holds the
identity, travel-document and biometric data those systems would otherwise store
themselves (EES Reg. (EU) 2017/2226 Art 7(1a)).
"""
