"""Administration that belongs to no single system: the demo clock."""
