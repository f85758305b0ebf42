"""The interoperability components (Regs. (EU) 2019/817 and 2019/818): ESP, sBMS, CIR, MID, CRRS."""
