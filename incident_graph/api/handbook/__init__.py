"""The troubleshooting handbook: similar past incidents and an asset's root causes."""
