"""The incident lifecycle: acknowledgement, root cause, comments, followers, the timeline."""
