"""Black-box HTTP contract of every rendered service (STANDARDS.md sections 2 and 3)."""
