"""The Entry/Exit System (Reg. (EU) 2017/2226), with the progressive start of Reg. (EU) 2025/1534.

Individual files of third-country nationals, entry, exit and refusal records,
border checks with document and biometric verification, the automated calculator,
overstays, retention and erasure, progressive start and suspension per crossing
point, and the fall-back when the central system is unavailable.
"""
