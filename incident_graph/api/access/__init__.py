"""Access: users, teams, tokens, privilege grants and the audit log."""
