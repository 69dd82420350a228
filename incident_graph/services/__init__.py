"""One service function per write operation: validate with domain/, run a unit on the writer."""
