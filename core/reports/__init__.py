"""What leaves Gotong for other tools: exports of the domain."""
