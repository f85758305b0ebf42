"""`python -m limes`: the `limes` command (how `limes serve` starts its worker process)."""

from limes.cli import main

main()
