"""Home practice: the clinic's home plan for one child, the family's installation, and the
sessions sent back to the clinic in an encrypted, signed bundle (no server; docs/home.md)."""
