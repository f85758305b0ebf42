"""The multiple-identity detector (Regs. (EU) 2019/817 and 2019/818, Art 25-36)."""
